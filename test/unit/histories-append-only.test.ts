// Recorded histories are append-only (docs/versioning.md): a committed history is a run of an
// earlier version that every later version must replay, so it is never re-recorded, edited or
// deleted. MANIFEST.json lists each file with its sha256 (scripts/histories-manifest.mjs writes it).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HISTORIES_DIR } from '../helpers/histories';

const manifest = JSON.parse(readFileSync(path.join(HISTORIES_DIR, 'MANIFEST.json'), 'utf8')) as Record<
  string,
  string
>;
const onDisk = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json') && f !== 'MANIFEST.json')
  .sort();
const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(HISTORIES_DIR, file)))
    .digest('hex');

describe('recorded histories are append-only', () => {
  it('no listed history was deleted', () => {
    expect(Object.keys(manifest).filter((f) => !onDisk.includes(f))).toEqual([]);
  });

  it.each(Object.keys(manifest).filter((f) => onDisk.includes(f)))('%s is unchanged', (file) => {
    expect(sha256(file)).toBe(manifest[file]);
  });

  it('every history is listed (a new one is added with node scripts/histories-manifest.mjs)', () => {
    expect(onDisk.filter((f) => !(f in manifest))).toEqual([]);
  });
});
