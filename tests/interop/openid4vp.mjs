// OpenID4VP with the OWF's @openid4vc/openid4vp, both ways round.
// Input (stdin, JSON), one of:
//   {"mode": "resolve", "uri": "openid4vp://?..."}: as a wallet, parse and resolve a skillspass verifier's request
//     (fetching the request object by reference and verifying its signature with the key of the verifier's
//     did:web, resolved here over http on loopback with jose). Output: {"prefix", "identifier", "signed", "nonce",
//     "response_uri", "dcql": {...}}.
//   {"mode": "validate", "request": {...authorization request...}, "response": {"vp_token": {...}, "state": "..."},
//    "issuerJwk": {...}}: as a verifier, parse and validate a skillspass wallet's response against the request (DCQL
//     credential ids and cardinality), then verify each SD-JWT VC presentation with @sd-jwt/sd-jwt-vc, Key Binding
//     nonce and audience included. Output: {"valid": true, "presentations": {id: [{"claims": {...}}]}}.
// Exit 1 with {"error": "..."} on any refusal.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { Openid4vpClient, Openid4vpVerifier } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/oauth2';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import * as jose from 'jose';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));
setGlobalConfig({ allowInsecureUrls: true });

// did:web resolution for the loopback test servers: did:web:localhost%3A<port> -> http://localhost:<port>/.well-known/did.json
async function didWebKey(didUrl) {
  const [did] = didUrl.split('#');
  const host = decodeURIComponent(did.slice('did:web:'.length).split(':')[0]);
  const document = await (await fetch(`http://${host}/.well-known/did.json`)).json();
  if (document.id !== did) throw new Error(`DID document id ${document.id} is not ${did}`);
  const method = document.verificationMethod.find((m) => m.id === didUrl || `${did}${m.id}` === didUrl);
  const listed = (document.authentication ?? []).some((r) => (typeof r === 'string' ? r : r.id) === method?.id);
  if (!method || !listed) throw new Error(`${didUrl} is not an authentication key of ${did}`);
  return method.publicKeyJwk;
}

const callbacks = {
  fetch,
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  verifyJwt: async (signer, { compact }) => {
    const jwk = signer.method === 'did' ? await didWebKey(signer.didUrl) : signer.publicJwk;
    try {
      await jose.compactVerify(compact, await jose.importJWK(jwk, 'EdDSA'));
      return { verified: true, signerJwk: jwk };
    } catch {
      return { verified: false };
    }
  },
};

const ed25519 = (jwk) => async (data, signature) =>
  cryptoVerify(null, Buffer.from(data), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));

try {
  if (input.mode === 'resolve') {
    const client = new Openid4vpClient({ callbacks });
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: input.uri });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const payload = resolved.authorizationRequestPayload;
    console.log(JSON.stringify({
      prefix: resolved.client.prefix, identifier: resolved.client.identifier, signed: Boolean(resolved.jar),
      nonce: payload.nonce, response_uri: payload.response_uri, dcql: resolved.dcql?.query ?? null,
    }));
  } else if (input.mode === 'validate') {
    const verifier = new Openid4vpVerifier({ callbacks });
    const result = verifier.validateOpenid4vpAuthorizationResponsePayload({
      authorizationRequestPayload: input.request, authorizationResponsePayload: input.response,
    });
    const sdjwt = new SDJwtVcInstance({
      hasher: digest, hashAlg: 'sha-256', verifier: ed25519(input.issuerJwk),
      kbVerifier: async (data, signature, payload) => ed25519(payload.cnf.jwk)(data, signature),
    });
    const presentations = {};
    for (const [id, entries] of Object.entries(result.dcql.presentations)) {
      presentations[id] = [];
      for (const entry of entries) {
        const verified = await sdjwt.verify(entry, { keyBindingNonce: input.request.nonce, requiredClaimKeys: ['vct'] });
        if (verified.kb?.payload.aud !== input.request.client_id) throw new Error(`KB-JWT aud ${verified.kb?.payload.aud}`);
        presentations[id].push({ claims: verified.payload });
      }
    }
    console.log(JSON.stringify({ valid: true, type: result.type, presentations }));
  } else {
    throw new Error(`unknown mode ${input.mode}`);
  }
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error), detail: error?.errorResponse ?? null }));
  process.exit(1);
}
