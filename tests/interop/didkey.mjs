// did:key (Ed25519 and P-256) <-> JWK, written from the did:key spec for these interop scripts; it shares no code
// with skillspass. Multibase base58btc ('z'), then multicodec 0xed 0x01 and the 32-byte Ed25519 key, or 0x80 0x24
// (p256-pub) and the 33-byte compressed point, which node:crypto (OpenSSL) decompresses from an SPKI.
import { createPublicKey } from 'node:crypto';

// DER of SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 } up to the 33-byte compressed point (RFC 5480).
const P256_SPKI_PREFIX = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(text) {
  let value = 0n;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) throw new Error(`not base58: ${ch}`);
    value = value * 58n + BigInt(digit);
  }
  const bytes = [];
  while (value > 0n) { bytes.unshift(Number(value % 256n)); value /= 256n; }
  for (const ch of text) { if (ch !== '1') break; bytes.unshift(0); }
  return Uint8Array.from(bytes);
}

function base58Encode(bytes) {
  let value = 0n;
  for (const b of bytes) value = value * 256n + BigInt(b);
  let out = '';
  while (value > 0n) { out = ALPHABET[Number(value % 58n)] + out; value /= 58n; }
  for (const b of bytes) { if (b !== 0) break; out = '1' + out; }
  return out;
}

export function jwkFromDidKey(did) {
  const value = did.replace(/^did:key:/, '');
  if (!value.startsWith('z')) throw new Error('did:key must be base58btc');
  const bytes = base58Decode(value.slice(1));
  if (bytes[0] === 0x80 && bytes[1] === 0x24 && bytes.length === 35) {
    const spki = Buffer.concat([P256_SPKI_PREFIX, Buffer.from(bytes.slice(2))]);
    const { kty, crv, x, y } = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    return { kty, crv, x, y };
  }
  if (bytes[0] !== 0xed || bytes[1] !== 0x01 || bytes.length !== 34) throw new Error('not an Ed25519 or P-256 did:key');
  return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.slice(2)).toString('base64url') };
}

export function didKeyFromJwk(jwk) {
  const raw = Buffer.from(jwk.x, 'base64url');
  if (jwk.kty === 'EC') {
    const y = Buffer.from(jwk.y, 'base64url');
    const parity = (y[y.length - 1] & 1) === 1 ? 0x03 : 0x02;
    return `did:key:z${base58Encode(Uint8Array.from([0x80, 0x24, parity, ...raw]))}`;
  }
  return `did:key:z${base58Encode(Uint8Array.from([0xed, 0x01, ...raw]))}`;
}
