// Verifies an SD-JWT VC made by skillspass's core with @sd-jwt/sd-jwt-vc (OWF), EdDSA keys through node:crypto.
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

const ed25519 = (jwk) => async (data, signature) =>
  cryptoVerify(null, Buffer.from(data), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));

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
