// Answers a skillspass verifier's request as a wallet of the Italian profile of the EUDI wallet (IT-Wallet) does,
// with PagoPA's @pagopa/io-wallet-oid4vp (specs version 1.3): fetchAuthorizationRequest posts for the request
// object (request_uri_method=post, with a wallet_nonce and wallet metadata), parseAuthorizeRequest validates it
// against the IT-Wallet schema and verifies its signature through our callback (npm jose, the key of the x5c
// leaf), createAuthorizationResponse encrypts the answer to the verifier's key (JARM, direct_post.jwt) and
// fetchAuthorizationResponse posts it to the response_uri.
// The vp_token is the skillspass wallet's (a presentation needs the holder's key); everything else is the library's.
// Input (stdin, JSON): {"uri": "openid4vp://?...", "vpToken": {...}}
// Output: {"client_id", "wallet_nonce", "header", "redirect_uri"}; exit 0, or exit 1 with {"error"}.
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import {
  fetchAuthorizationRequest, parseAuthorizeRequest, createAuthorizationResponse, fetchAuthorizationResponse,
} from '@pagopa/io-wallet-oid4vp';
import { IoWalletSdkConfig, ItWalletSpecsVersion } from '@pagopa/io-wallet-utils';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

// The request object's signature, checked with the key of the x5c leaf (the library checks the x509_hash).
const verifyJwt = async (signer, { compact }) => {
  if (signer.method !== 'x5c') return { verified: false };
  const pem = `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`;
  const key = await jose.importX509(pem, signer.alg);
  try {
    await jose.compactVerify(compact, key);
  } catch {
    return { verified: false };
  }
  return { verified: true, signerJwk: await jose.exportJWK(key) };
};

const encryptJwe = async (encryptor, data) => {
  const key = await jose.importJWK(encryptor.publicJwk, encryptor.alg);
  const header = { alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid };
  const jwe = await new jose.CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header).encrypt(key);
  return { jwe, encryptionJwk: encryptor.publicJwk };
};

try {
  const walletNonce = randomBytes(16).toString('base64url');
  const fetched = await fetchAuthorizationRequest({
    authorizeRequestUrl: input.uri,
    callbacks: { fetch },
    walletMetadata: {
      response_types_supported: ['vp_token'], response_modes_supported: ['direct_post.jwt'],
      client_id_prefixes_supported: ['x509_hash'], request_object_signing_alg_values_supported: ['ES256'],
    },
    walletNonce,
  });
  const config = new IoWalletSdkConfig({ itWalletSpecsVersion: ItWalletSpecsVersion.V1_3 });
  const parsed = await parseAuthorizeRequest({
    config, requestObjectJwt: fetched.requestObjectJwt, callbacks: { verifyJwt },
  });
  if (parsed.payload.wallet_nonce !== walletNonce) throw new Error('the request object does not repeat our wallet_nonce');
  const metadata = parsed.payload.client_metadata;
  const { jarm } = await createAuthorizationResponse({
    callbacks: { encryptJwe, generateRandom: (bytes) => new Uint8Array(randomBytes(bytes)) },
    requestObject: parsed.payload,
    rpJwks: { jwks: metadata.jwks, encrypted_response_enc_values_supported: metadata.encrypted_response_enc_values_supported },
    vp_token: input.vpToken,
  });
  const answered = await fetchAuthorizationResponse({
    authorizationResponseJarm: jarm.responseJwe, callbacks: { fetch },
    presentationResponseUri: parsed.payload.response_uri,
  });
  console.log(JSON.stringify({
    client_id: parsed.payload.client_id, wallet_nonce: parsed.payload.wallet_nonce,
    header: jose.decodeProtectedHeader(jarm.responseJwe), redirect_uri: answered.redirect_uri ?? null,
  }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error), detail: error.issues ?? error.cause ?? null, stack: error.stack }));
  process.exit(1);
}
