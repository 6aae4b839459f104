// Issues an Open Badges 3.0 credential as a VC-JOSE-COSE vc+jwt with npm `jose` and a fresh did:key issuer, for
// skillspass to verify (`node jose_sign.mjs ES256` for a P-256 issuer). Prints the compact JWS.
import { openBadge, signWithNewIssuer } from './issuer.mjs';

const jws = await signWithNewIssuer((did, validFrom) => openBadge(did, validFrom, 'Interop Test Issuer',
  'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG', {
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
  }), process.argv[2] ?? 'EdDSA');
console.log(jws);
