// Decodes skillspass status lists with independent libraries and verifies a status list credential with `jose`.
// Input (stdin, JSON): {"encodedList": "u...", "lst": "...", "bits": 2, "listJwt": "...", "jwk": {...},
//   "statusListJwt": "<our statuslist+jwt>"}
// Output (stdout, JSON): {"bitstringSet": [indexes set, per @digitalbazaar/vc-bitstring-status-list],
//   "bitstringLength": n, "tokenStatuses": {"index": value, ...} (non-zero, per @sd-jwt/jwt-status-list),
//   "listJwtVerified": true|false (per jose)}
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { StatusList, getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { compactVerify, importJWK } from 'jose';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

const bitstring = await decodeList({ encodedList: input.encodedList });
const bitstringSet = [];
for (let i = 0; i < bitstring.length; i += 1) {
  if (bitstring.getStatus(i)) bitstringSet.push(i);
}

const token = StatusList.decompressStatusList(input.lst, input.bits);
const tokenStatuses = {};
for (let i = 0; i < token.statusList.length; i += 1) {
  const value = token.getStatus(i);
  if (value !== 0) tokenStatuses[i] = value;
}

// A whole Token Status List token (statuslist+jwt) from our issuer, when given.
const tokenListStatuses = {};
if (input.statusListJwt) {
  const list = getListFromStatusListJWT(input.statusListJwt);
  for (let i = 0; i < list.statusList.length; i += 1) {
    const value = list.getStatus(i);
    if (value !== 0) tokenListStatuses[i] = value;
  }
}

let listJwtVerified = false;
try {
  const key = await importJWK(input.jwk, 'EdDSA');
  const { protectedHeader } = await compactVerify(input.listJwt, key, { algorithms: ['EdDSA'] });
  listJwtVerified = protectedHeader.typ === 'vc+jwt';
} catch {
  listJwtVerified = false;
}

console.log(JSON.stringify({ bitstringSet, bitstringLength: bitstring.length, tokenStatuses, tokenListStatuses, listJwtVerified }));
