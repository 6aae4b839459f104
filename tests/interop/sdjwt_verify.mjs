// Verifies an SD-JWT VC made by skillspass's core with @sd-jwt/sd-jwt-vc (OWF); EdDSA and ES256 (IEEE P1363
// R || S signatures) through node:crypto, the algorithm chosen by the JWK's key type.
// Input (stdin, JSON): {"sdjwt": "...", "issuerJwk": {...}, "nonce": "..." (optional: then a KB-JWT is required)}
// Output: {"verified": true, "claims": {...revealed claims...}} or {"verified": false, "error": "..."}; exit 0 / 1.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

const ed25519 = (jwk) => async (data, signature) => {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const raw = Buffer.from(signature, 'base64url');
  if (jwk.kty === 'EC') return cryptoVerify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, raw);
  return cryptoVerify(null, Buffer.from(data), key, raw);
};

const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  verifier: ed25519(input.issuerJwk),
  kbVerifier: async (data, signature, payload) => ed25519(payload.cnf.jwk)(data, signature),
});

try {
  const options = input.nonce ? { keyBindingNonce: input.nonce } : {};
  const result = await sdjwt.verify(input.sdjwt, options);
  const kb = Boolean(result.kb);
  if (input.nonce && !kb) throw new Error('no key binding');
  console.log(JSON.stringify({ verified: true, keyBinding: kb, claims: result.payload }));
} catch (error) {
  console.log(JSON.stringify({ verified: false, error: String(error.message ?? error) }));
  process.exit(1);
}
