// Obtains a credential from a skillspass issuer with the OWF's @openid4vc/openid4vci client (pre-authorized code
// flow): resolve the offer by reference, fetch and check the metadata, redeem the code with the transaction code,
// get a c_nonce, sign an openid4vci-proof+jwt with a fresh Ed25519 key (jose), request the credential, and send
// the credential_accepted notification. The library refuses plain http unless allowInsecureUrls is set (the test
// servers run on loopback).
// Input (stdin, JSON): {"offer_uri": "...", "tx_code": "..." (optional)}
// Output: {"credential": "...", "holderJwk": {...}, "configuration": "...", "notified": true}; exit 0, or exit 1.
import { randomBytes, createHash } from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { setGlobalConfig, clientAuthenticationAnonymous } from '@openid4vc/oauth2';
import * as jose from 'jose';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

setGlobalConfig({ allowInsecureUrls: true });
const { privateKey, publicKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const holderJwk = await jose.exportJWK(publicKey);

const callbacks = {
  fetch,
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: (bytes) => new Uint8Array(randomBytes(bytes)),
  signJwt: async (_signer, { header, payload }) => {
    const jwt = await new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey);
    return { jwt, signerJwk: holderJwk };
  },
  clientAuthentication: clientAuthenticationAnonymous(),
};

try {
  const client = new Openid4vciClient({ callbacks });
  const offer = await client.resolveCredentialOffer(input.offer_uri);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: input.tx_code,
  });
  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const configuration = offer.credential_configuration_ids[0];
  const { jwt } = await client.createCredentialRequestJwtProof({
    issuerMetadata, credentialConfigurationId: configuration, nonce,
    signer: { method: 'jwk', publicJwk: holderJwk, alg: 'EdDSA' },
  });
  const response = await client.retrieveCredentials({
    issuerMetadata, accessToken: accessTokenResponse.access_token, credentialConfigurationId: configuration,
    proofs: { jwt: [jwt] },
  });
  const body = response.credentialResponse;
  await client.sendNotification({
    issuerMetadata, accessToken: accessTokenResponse.access_token,
    notification: { notificationId: body.notification_id, event: 'credential_accepted' },
  });
  console.log(JSON.stringify({ credential: body.credentials[0].credential, holderJwk, configuration, notified: true }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error), detail: error.response ?? error.errorResponse ?? null }));
  process.exit(1);
}
