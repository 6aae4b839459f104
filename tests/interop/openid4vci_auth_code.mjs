// Obtains a credential from a skillspass issuer with the OWF's @openid4vc/openid4vci client through the
// authorization code flow HAIP asks for: the offer's issuer_state, a pushed authorization request with PKCE (S256)
// and a DPoP proof of a fresh ES256 key, the learner's sign-in on the issuer's page (done here as a browser would:
// get the page and its cookie and form token, post the one-time code, read the 303 back to the wallet), the
// library's check of the response (state, iss), the token with DPoP (the library retries with the server's
// nonce), and the credential request with a DPoP proof carrying ath and the credential endpoint's nonce.
// With "attestation" in the input, the wallet authenticates with a wallet attestation the library makes from the
// provider's key and x5c chain (attest_jwt_client_auth: OAuth-Client-Attestation and its PoP on PAR and token).
// Input (stdin, JSON): {"offer_uri": "...", "sign_in_code": "...", "attestation": {"provider_jwk": {...}, "x5c": [...]}}
// The credential request carries two key proofs (a batch): one copy per key comes back.
// Output: {"credential": "...", "copies": ["...", "..."], "holder_keys": [{...}, {...}], "token_type": "DPoP",
// "dpop_jkt": "..."}; exit 0, or exit 1.
import { randomBytes, createHash } from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import {
  setGlobalConfig, clientAuthenticationNone, clientAuthenticationClientAttestationJwt, createClientAttestationJwt,
  calculateJwkThumbprint,
} from '@openid4vc/oauth2';
import * as jose from 'jose';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

setGlobalConfig({ allowInsecureUrls: true });
const holder = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const holderJwk = await jose.exportJWK(holder.publicKey);
// A second holder key: the credential request is a batch of two proofs, one per key (batch_credential_issuance).
const second = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const secondJwk = await jose.exportJWK(second.publicKey);
const dpopKeys = await jose.generateKeyPair('ES256', { extractable: true });
const dpopJwk = await jose.exportJWK(dpopKeys.publicKey);
const dpopSigner = { method: 'jwk', alg: 'ES256', publicJwk: dpopJwk };
const clientId = 'owf-interop-wallet';
const redirectUri = 'https://wallet.example/callback';

const instance = await jose.generateKeyPair('ES256', { extractable: true });
const instanceJwk = await jose.exportJWK(instance.publicKey);
const provider = input.attestation ? await jose.importJWK(input.attestation.provider_jwk, 'ES256') : null;

const hash = (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest());
// The private key behind a signer: the provider's for x5c, else the one whose public JWK the signer names.
const keyFor = (signer) => {
  if (signer.method === 'x5c') return provider;
  const x = signer.publicJwk?.x;
  if (x === dpopJwk.x) return dpopKeys.privateKey;
  if (x === instanceJwk.x) return instance.privateKey;
  if (x === secondJwk.x) return second.privateKey;
  return holder.privateKey;
};
const base = {
  hash,
  generateRandom: (bytes) => new Uint8Array(randomBytes(bytes)),
  signJwt: async (signer, { header, payload }) => {
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(keyFor(signer));
    return { jwt, signerJwk: signer.publicJwk ?? holderJwk };
  },
};
let clientAuthentication = clientAuthenticationNone({ clientId });
if (input.attestation) {
  const clientAttestationJwt = await createClientAttestationJwt({
    issuer: 'https://wallet-provider.example', clientId, confirmation: { jwk: instanceJwk },
    expiresAt: new Date(Date.now() + 3600 * 1000), callbacks: base,
    signer: { method: 'x5c', alg: 'ES256', x5c: input.attestation.x5c },
  });
  clientAuthentication = clientAuthenticationClientAttestationJwt({ clientAttestationJwt, callbacks: base });
}
const callbacks = { fetch, ...base, clientAuthentication };

// The learner's browser on the issuer's sign-in page.
async function signIn(url, code) {
  const page = await fetch(url);
  if (page.status !== 200) throw new Error(`sign-in page: ${page.status}`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const html = await page.text();
  const field = (name) => {
    const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
    if (!match) throw new Error(`no ${name} on the sign-in page`);
    return match[1].replaceAll('&#x3a;', ':').replaceAll('&#x2f;', '/');
  };
  const form = new URLSearchParams({ csrf: field('csrf'), client_id: field('client_id'), request_uri: field('request_uri'), code });
  const answer = await fetch(new URL('/authorize', url), {
    method: 'POST', body: form, redirect: 'manual', headers: { cookie: cookies },
  });
  if (answer.status !== 303) throw new Error(`sign-in: ${answer.status} ${await answer.text()}`);
  return answer.headers.get('location');
}

try {
  const client = new Openid4vciClient({ callbacks });
  const credentialOffer = await client.resolveCredentialOffer(input.offer_uri);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const configuration = credentialOffer.credential_configuration_ids[0];
  const authorization = await client.initiateAuthorization({
    credentialOffer, issuerMetadata, clientId, redirectUri,
    scope: issuerMetadata.credentialIssuer.credential_configurations_supported[configuration].scope,
    dpop: { signer: dpopSigner },
  });
  if (!authorization.authorizationRequestUrl.includes('request_uri=')) throw new Error('PAR was not used');
  const location = await signIn(authorization.authorizationRequestUrl, input.sign_in_code);
  const authorizationServerMetadata = issuerMetadata.authorizationServers[0];
  const response = client.parseAndVerifyAuthorizationResponseRedirectUrl({ url: location, authorizationServerMetadata });
  const { accessTokenResponse, dpop } = await client.retrieveAuthorizationCodeAccessTokenFromOffer({
    issuerMetadata, credentialOffer, authorizationCode: response.code,
    pkceCodeVerifier: authorization.pkce.codeVerifier, redirectUri, dpop: { signer: dpopSigner },
  });
  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const proofs = [];
  for (const publicJwk of [holderJwk, secondJwk]) {
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata, credentialConfigurationId: configuration, nonce,
      signer: { method: 'jwk', publicJwk, alg: 'EdDSA' },
    });
    proofs.push(jwt);
  }
  const credentials = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configuration,
    proofs: { jwt: proofs }, dpop: { signer: dpopSigner, nonce: dpop?.nonce },
  });
  const body = credentials.credentialResponse;
  if (!body || !body.credentials) throw new Error(`no credential: ${JSON.stringify(credentials)}`);
  const jkt = await calculateJwkThumbprint({ jwk: dpopJwk, hashAlgorithm: 'sha-256', hashCallback: hash });
  console.log(JSON.stringify({
    credential: body.credentials[0].credential, copies: body.credentials.map((c) => c.credential),
    holder_keys: [holderJwk, secondJwk], token_type: accessTokenResponse.token_type, dpop_jkt: jkt,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error), stack: error.stack, detail: error.response ?? error.errorResponse ?? null }));
  process.exit(1);
}
