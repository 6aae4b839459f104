// Side-by-side benchmark (issue 15, run by benches/side_by_side.sh): verifies the artifacts skillspass's
// benches/core.rs wrote with npm `jose` (vc+jwt: signature and the claims jose_verify.mjs checks) and with
// `@sd-jwt/sd-jwt-vc` (SD-JWT VC with 10 disclosures and Key Binding), one core, for a fixed time each.
// Usage: node bench_verify.mjs DIR [seconds]  -> one JSON line: {"jose_us": ..., "sdjwt_kb_us": ...}
import { readFileSync } from 'node:fs';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 5);
const token = readFileSync(`${dir}/vc.jwt`, 'utf8').trim();
const sdjwt = readFileSync(`${dir}/sd-jwt-kb.txt`, 'utf8').trim();
const issuerJwk = JSON.parse(readFileSync(`${dir}/issuer.jwk`, 'utf8'));

async function measure(work) {
  for (let i = 0; i < 200; i++) await work(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 50; i++) await work();
    n += 50;
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

const key = await importJWK(issuerJwk, 'EdDSA');
const joseVerify = async () => {
  const { payload, protectedHeader } = await compactVerify(token, key, { algorithms: ['EdDSA', 'Ed25519'] });
  const claims = JSON.parse(new TextDecoder().decode(payload));
  const issuer = typeof claims.issuer === 'string' ? claims.issuer : claims.issuer.id;
  if (protectedHeader.typ !== 'vc+jwt' || claims.iss !== issuer) throw new Error('claims');
};

const issuerKey = createPublicKey({ key: issuerJwk, format: 'jwk' });
const ed25519 = (publicKey) => async (data, signature) =>
  cryptoVerify(null, Buffer.from(data), publicKey, Buffer.from(signature, 'base64url'));
const instance = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  verifier: ed25519(issuerKey),
  kbVerifier: async (data, signature, payload) =>
    ed25519(createPublicKey({ key: payload.cnf.jwk, format: 'jwk' }))(data, signature),
});
const sdjwtVerify = async () => {
  const result = await instance.verify(sdjwt, { keyBindingNonce: 'n' });
  if (!result.kb) throw new Error('no key binding');
};

await joseVerify();
await sdjwtVerify();
console.log(JSON.stringify({ jose_us: await measure(joseVerify), sdjwt_kb_us: await measure(sdjwtVerify) }));
