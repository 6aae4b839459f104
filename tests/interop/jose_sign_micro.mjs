// Issues a plain Open Badges 3.0 credential whose achievementType is MicroCredential, as another platform would:
// no skillspass context or extension (so the EU elements skillspass keeps in `microCredential` are absent), a
// fresh did:key issuer, signed as a VC-JOSE-COSE vc+jwt with npm `jose`. Reads {"subject": "<did>"} on stdin and
// prints the compact JWS.
import { openBadge, signWithNewIssuer } from './issuer.mjs';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text || '{}'));
}));
const jws = await signWithNewIssuer((did, validFrom) => openBadge(did, validFrom, 'Another Badge Platform',
  input.subject, {
    id: 'https://platform.example/achievements/spreadsheets',
    type: ['Achievement'],
    achievementType: 'MicroCredential',
    name: 'Spreadsheet modelling',
    description: 'Builds financial models in spreadsheets.',
    criteria: { narrative: 'Passed a practical assessment.' },
    creditsAvailable: 1,
    alignment: [
      {
        type: ['Alignment'],
        targetName: 'use spreadsheets software',
        targetUrl: 'http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be',
        targetFramework: 'ESCO',
      },
      { type: ['Alignment'], targetName: 'EQF level 4', targetUrl: 'http://data.europa.eu/snb/eqf/4', targetFramework: 'EQF' },
    ],
  }));
console.log(jws);
