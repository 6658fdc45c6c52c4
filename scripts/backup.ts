// `npm run backup [FILE]`: a backup of the embedded record (PGlite's data folder) as one .tar.gz.
// The embedded database belongs to one process, so stop duban (`npm start`) first. A cluster is
// backed up with PostgreSQL's own tools instead: see docs/record.md (pg_dump / pg_restore).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { embeddedInUse, newPglite } from '../activities/record/db';

/** Writes a compressed dump of the data folder to `file` and returns its size in bytes. */
export async function backupDataDir(dataDir: string, file: string): Promise<number> {
  if (!existsSync(join(dataDir, 'PG_VERSION')))
    throw new Error(`${dataDir} holds no embedded record (no PG_VERSION there)`);
  const pglite = await newPglite(dataDir);
  try {
    const dump = await pglite.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, bytes, { mode: 0o600 });
    return bytes.length;
  } finally {
    await pglite.close();
  }
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  if (cfg.database.url) {
    throw new ConfigError(
      'DUBAN_DATABASE_URL is set: back up that server with pg_dump (docs/record.md), not this script',
    );
  }
  if (await embeddedInUse(cfg.database.dir, cfg.database.port))
    throw new ConfigError(
      `a duban process holds ${cfg.database.dir}: stop it first (the folder belongs to one process)`,
    );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = resolve(
    process.argv[2] ?? join(dirname(cfg.database.dir), 'backups', `record-${stamp}.tar.gz`),
  );
  const size = await backupDataDir(cfg.database.dir, file);
  process.stdout.write(`backed up ${cfg.database.dir} to ${file} (${size} bytes)\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`backup failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
