// Issues an SD-JWT VC with @sd-jwt/sd-jwt-vc (OWF): a fresh Ed25519 issuer identified as did:key (its own base58
// code, not skillspass's), the holder key given as a JWK in cnf, every skill and the grade disclosable.
// Input (stdin, JSON): {"holderJwk": {...}, "alg": "EdDSA" | "ES256"}. Output: the compact SD-JWT VC.
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { didKeyFromJwk } from './didkey.mjs';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

const es256 = input.alg === 'ES256';
const { privateKey, publicKey } = es256 ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
const did = didKeyFromJwk(publicKey.export({ format: 'jwk' }));
const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
  signAlg: es256 ? 'ES256' : 'EdDSA',
  signer: async (data) => (es256
    ? cryptoSign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign(null, Buffer.from(data), privateKey)).toString('base64url'),
});
const payload = {
  iss: did,
  iat: Math.floor(Date.now() / 1000),
  vct: 'https://w3id.org/skillspass/vct/skill/v1',
  cnf: { jwk: input.holderJwk },
  issuer_name: 'OWF Library Academy',
  learning_setting: 'non-formal',
  grade: 'A',
  skills: [
    { id: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d', label: 'Python (computer programming)' },
    { id: 'http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a', label: 'develop digital content' },
  ],
};
const frame = { _sd: ['grade'], skills: { _sd: [0, 1] } };
const kid = `${did}#${did.slice('did:key:'.length)}`;
console.log(await sdjwt.issue(payload, frame, { header: { kid } }));
