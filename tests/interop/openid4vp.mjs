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
//   {"mode": "respond-encrypted", "uri": "openid4vp://?...", "vpToken": {...}, "enc": "A128GCM" | "A256GCM"}: as
//     a wallet, resolve a skillspass verifier's direct_post.jwt request, build the response with the library
//     (encrypted with npm jose's CompactEncrypt to the request's key: ECDH-ES, the library's apu/apv) and submit it to
//     the verifier's response_uri. Output: {"status": <HTTP status>, "body": {...}}.
//   {"mode": "validate-encrypted", "request": {...}, "response": "<JWE>", "privateJwk": {...}, "issuerJwk": {...}}:
//     as a verifier, decrypt a skillspass wallet's encrypted response with the library (npm jose's compactDecrypt
//     with privateJwk), then validate it like "validate".
// Exit 1 with {"error": "..."} on any refusal.
import { X509Certificate, createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
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
  // The leaf's subject alternative names, read by node:crypto (OpenSSL), for the x509_san_* prefixes.
  getX509CertificateMetadata: (certificate) => {
    const names = (new X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '').split(', ');
    return {
      sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
      sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
    };
  },
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  verifyJwt: async (signer, { compact }) => {
    if (signer.method === 'x5c') {
      // x509_hash: the library checks the hash of the leaf against the client id; the signature is checked here
      // with the leaf's key (npm jose). Trust in the chain is the wallet's own business (skillspass tests it).
      const pem = `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`;
      try {
        const key = await jose.importX509(pem, 'ES256');
        await jose.compactVerify(compact, key, { algorithms: ['ES256'] });
        return { verified: true, signerJwk: await jose.exportJWK(key) };
      } catch {
        return { verified: false };
      }
    }
    const jwk = signer.method === 'did' ? await didWebKey(signer.didUrl) : signer.publicJwk;
    try {
      await jose.compactVerify(compact, await jose.importJWK(jwk, jwk.kty === 'EC' ? 'ES256' : 'EdDSA'));
      return { verified: true, signerJwk: jwk };
    } catch {
      return { verified: false };
    }
  },
};

const ed25519 = (jwk) => async (data, signature) =>
  cryptoVerify(null, Buffer.from(data), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));

// The library leaves JWE to its caller: npm jose does it here (ECDH-ES direct, AES-GCM).
callbacks.encryptJwe = async (encryptor, data) => {
  const header = { alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid };
  if (encryptor.apu) header.apu = encryptor.apu;
  if (encryptor.apv) header.apv = encryptor.apv;
  const key = await jose.importJWK(encryptor.publicJwk, encryptor.alg);
  const jwe = await new jose.CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header).encrypt(key);
  return { encryptionJwk: encryptor.publicJwk, jwe };
};
callbacks.decryptJwe = async (jwe) => {
  const key = await jose.importJWK(input.privateJwk, 'ECDH-ES');
  const { plaintext } = await jose.compactDecrypt(jwe, key, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A128GCM', 'A256GCM'] });
  return { decrypted: true, decryptionJwk: input.privateJwk, payload: new TextDecoder().decode(plaintext) };
};

async function validate(verifier, response) {
  const result = verifier.validateOpenid4vpAuthorizationResponsePayload({
    authorizationRequestPayload: input.request, authorizationResponsePayload: response,
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
  return { valid: true, type: result.type, presentations };
}

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
    console.log(JSON.stringify(await validate(new Openid4vpVerifier({ callbacks }), input.response)));
  } else if (input.mode === 'respond-encrypted') {
    const client = new Openid4vpClient({ callbacks });
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: input.uri });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const payload = resolved.authorizationRequestPayload;
    if (payload.response_mode !== 'direct_post.jwt') throw new Error(`response_mode ${payload.response_mode}`);
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload,
      authorizationResponsePayload: { vp_token: input.vpToken },
      jarm: {
        encryption: { nonce: crypto.randomUUID() },
        serverMetadata: {
          authorization_encryption_alg_values_supported: ['ECDH-ES'],
          authorization_encryption_enc_values_supported: [input.enc],
        },
      },
    });
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload,
      authorizationResponsePayload: response.authorizationResponsePayload,
      jarm: { responseJwt: response.jarm.responseJwt },
    });
    const header = jose.decodeProtectedHeader(response.jarm.responseJwt);
    console.log(JSON.stringify({ status: submitted.response.status, header, body: await submitted.response.json() }));
  } else if (input.mode === 'validate-encrypted') {
    const verifier = new Openid4vpVerifier({ callbacks });
    const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
      authorizationResponse: { response: input.response }, authorizationRequestPayload: input.request, callbacks,
    });
    console.log(JSON.stringify(await validate(verifier, parsed.authorizationResponsePayload)));
  } else {
    throw new Error(`unknown mode ${input.mode}`);
  }
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error), detail: error?.errorResponse ?? null }));
  process.exit(1);
}
