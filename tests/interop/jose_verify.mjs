// Verifies a skillspass vc+jwt with npm `jose`: the key comes from the issuer's did:key (resolved here, not by
// skillspass), EdDSA for Ed25519 keys and ES256 for P-256 keys, typ must be vc+jwt, iss must equal issuer.id and kid must be a DID URL of the issuer.
// Usage: node jose_verify.mjs < token   -> prints {"verified":true|false,...}, exit 0 / 1.
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { jwkFromDidKey } from './didkey.mjs';

const token = (await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
})).trim();

try {
  const header = decodeProtectedHeader(token);
  const did = header.kid.split('#')[0];
  const jwk = jwkFromDidKey(did);
  const algorithms = jwk.kty === 'EC' ? ['ES256'] : ['EdDSA', 'Ed25519'];
  const key = await importJWK(jwk, algorithms[0]);
  const { payload, protectedHeader } = await compactVerify(token, key, { algorithms });
  const claims = JSON.parse(new TextDecoder().decode(payload));
  const issuer = typeof claims.issuer === 'string' ? claims.issuer : claims.issuer.id;
  if (protectedHeader.typ !== 'vc+jwt') throw new Error(`typ ${protectedHeader.typ}`);
  if (claims.iss !== issuer) throw new Error('iss differs from issuer');
  if (did !== issuer) throw new Error('kid is not a key of the issuer');
  console.log(JSON.stringify({ verified: true, issuer, id: claims.id }));
} catch (error) {
  console.log(JSON.stringify({ verified: false, error: String(error.code ?? error.message) }));
  process.exit(1);
}
