// Data Integrity interop: @digitalbazaar/vc with @digitalbazaar/eddsa-rdfc-2022-cryptosuite signs and verifies
// eddsa-rdfc-2022 credentials. The JSON-LD contexts are served from skillspass's embedded copies
// (data/jsonld-contexts), and the issuer is a did:key, so nothing is fetched.
//   node data_integrity.mjs sign <seed-hex> <credential.json>   -> the signed credential on stdout
//   node data_integrity.mjs verify <signed.json>                -> {"verified": true|false, "errors": [...]}
//   node data_integrity.mjs canonize <document.json>            -> its RDFC-1.0 N-Quads (jsonld.js, rdf-canonize)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022CryptoSuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '../../data/jsonld-contexts');
const sources = readFileSync(join(contextsDir, 'SOURCES.md'), 'utf8');
const contexts = {};
for (const match of sources.matchAll(/^\| `(https?:[^`]+)` \| `([^`]+)` \|/gm)) {
  contexts[match[1]] = JSON.parse(readFileSync(join(contextsDir, match[2]), 'utf8'));
}

async function keyFor(seedHex) {
  const seed = Buffer.from(seedHex, 'hex');
  const { publicKeyMultibase } = await Ed25519Multikey.generate({ seed });
  return Ed25519Multikey.generate({ seed, controller: `did:key:${publicKeyMultibase}` });
}

function loader(keyPair) {
  return async (url) => {
    if (contexts[url]) return { contextUrl: null, documentUrl: url, document: contexts[url] };
    const did = url.split('#')[0];
    if (did.startsWith('did:key:')) {
      const fingerprint = did.slice('did:key:'.length);
      const key = await Ed25519Multikey.from({ type: 'Multikey', publicKeyMultibase: fingerprint, id: `${did}#${fingerprint}`, controller: did });
      const method = await key.export({ publicKey: true, includeContext: true });
      if (url.includes('#')) return { contextUrl: null, documentUrl: url, document: method };
      const { '@context': _, ...embedded } = method;
      const document = { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did,
        verificationMethod: [embedded], assertionMethod: [embedded.id], authentication: [embedded.id] };
      return { contextUrl: null, documentUrl: url, document };
    }
    if (url === 'https://www.w3.org/ns/did/v1') return { contextUrl: null, documentUrl: url, document: { '@context': { '@version': 1.1, id: '@id', type: '@type', verificationMethod: { '@id': 'https://w3id.org/security#verificationMethod', '@type': '@id' }, assertionMethod: { '@id': 'https://w3id.org/security#assertionMethod', '@type': '@id', '@container': '@set' }, authentication: { '@id': 'https://w3id.org/security#authenticationMethod', '@type': '@id', '@container': '@set' } } } };
    throw new Error(`no document for ${url}`);
  };
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'sign') {
  const keyPair = await keyFor(args[0]);
  const did = keyPair.controller;
  const credential = JSON.parse(readFileSync(args[1], 'utf8'));
  credential.issuer = typeof credential.issuer === 'object' ? { ...credential.issuer, id: did } : did;
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite });
  const signed = await vc.issue({ credential, suite, documentLoader: loader() });
  process.stdout.write(JSON.stringify(signed, null, 2));
} else if (mode === 'verify') {
  const credential = JSON.parse(readFileSync(args[0], 'utf8'));
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022CryptoSuite });
  const result = await vc.verifyCredential({ credential, suite, documentLoader: loader(), checkStatus: undefined });
  const errors = [result.error, ...(result.results || []).map((r) => r.error)].filter(Boolean).map((e) => e.message || String(e));
  process.stdout.write(JSON.stringify({ verified: result.verified, errors }));
} else if (mode === 'canonize') {
  const document = JSON.parse(readFileSync(args[0], 'utf8'));
  const canonical = await jsonld.canonize(document, {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader: loader(), safe: true,
  });
  process.stdout.write(canonical);
} else {
  console.error('usage: data_integrity.mjs sign <seed-hex> <credential.json> | verify <signed.json> | canonize <document.json>');
  process.exit(2);
}
