// Writes test/histories/MANIFEST.json: every committed history file with its sha256. The
// append-only test (test/unit/histories-append-only.test.ts) recomputes the hashes and fails when a
// listed file was changed or deleted, or when a history is not listed. Run it after adding a new
// history (node scripts/histories-manifest.mjs); never to bless a changed one (see docs/versioning.md).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/histories');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'MANIFEST.json')
  .sort();
const manifest = Object.fromEntries(
  files.map((f) => [
    f,
    createHash('sha256')
      .update(readFileSync(path.join(dir, f)))
      .digest('hex'),
  ]),
);
writeFileSync(path.join(dir, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`test/histories/MANIFEST.json: ${files.length} histories`);
