// A throwaway issuer for interop scripts: a fresh Ed25519 (or, given 'ES256', P-256) did:key whose credentials npm
// `jose` signs as
// VC-JOSE-COSE vc+jwt (payload = the credential plus iss, iat, jti; kid = the did:key URL).
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { didKeyFromJwk } from './didkey.mjs';

/** Signs the credential `build(did, validFrom)` returns with a new did:key issuer; resolves to the compact JWS. */
export async function signWithNewIssuer(build, alg = 'EdDSA') {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  const did = didKeyFromJwk(await exportJWK(publicKey));
  const now = new Date();
  const credential = build(did, now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const payload = { ...credential, iss: did, iat: Math.floor(now.getTime() / 1000), jti: credential.id };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, typ: 'vc+jwt', kid: `${did}#${did.slice('did:key:'.length)}` })
    .sign(privateKey);
}

/** The Open Badges 3.0 credential shell around an achievement. */
export function openBadge(did, validFrom, issuerName, subject, achievement) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: did, type: ['Profile'], name: issuerName },
    validFrom,
    name: achievement.name,
    credentialSubject: { id: subject, type: ['AchievementSubject'], achievement },
  };
}
