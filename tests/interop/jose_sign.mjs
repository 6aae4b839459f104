// Issues an Open Badges 3.0 credential as a VC-JOSE-COSE vc+jwt with npm `jose` and a fresh did:key issuer, for
// skillspass to verify. Prints the compact JWS.
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { didKeyFromJwk } from './didkey.mjs';

const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const did = didKeyFromJwk(await exportJWK(publicKey));
const now = new Date();
const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: `urn:uuid:${crypto.randomUUID()}`,
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: did, type: ['Profile'], name: 'Interop Test Issuer' },
  validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  name: 'Teamwork',
  credentialSubject: {
    id: 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://interop.example/achievements/teamwork',
      type: ['Achievement'],
      name: 'Teamwork',
      description: 'Collaborates within a group.',
      criteria: { narrative: 'Nominated by peers.' },
      alignment: [{
        type: ['Alignment'],
        targetName: 'establish collaborative relations',
        targetUrl: 'http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d',
        targetFramework: 'ESCO',
      }],
    },
  },
};
const payload = { ...credential, iss: did, iat: Math.floor(now.getTime() / 1000), jti: credential.id };
const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
  .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: `${did}#${did.slice('did:key:'.length)}` })
  .sign(privateKey);
console.log(jws);
