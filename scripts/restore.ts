// `npm run restore FILE [--force]`: restores the embedded record from a backup made by
// `npm run backup`. Stop duban first. An existing record is never overwritten silently: without
// --force the restore refuses; with it, the old folder is kept beside it as <dir>.before-restore-<time>.
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { embeddedInUse, newPglite } from '../activities/record/db';

/** Loads the backup into `dataDir`, checks it opens, and returns the migrations it holds. */
export async function restoreDataDir(
  file: string,
  dataDir: string,
  options: { force?: boolean } = {},
): Promise<{ movedAside?: string; migrations: number }> {
  const backup = readFileSync(file);
  let movedAside: string | undefined;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    if (!options.force) throw new Error(`${dataDir} is not empty: pass --force to keep it aside and restore`);
    movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dataDir, movedAside);
  }
  const pglite = await newPglite(dataDir, { loadDataDir: new Blob([backup]) });
  try {
    const { rows } = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    return { movedAside, migrations: Number(rows[0]?.n ?? 0) };
  } finally {
    await pglite.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new Error('usage: npm run restore FILE [-- --force]');
  const cfg = loadConfig();
  if (cfg.database.url) {
    throw new ConfigError(
      'DUBAN_DATABASE_URL is set: restore that server with pg_restore (docs/record.md), not this script',
    );
  }
  if (await embeddedInUse(cfg.database.dir, cfg.database.port))
    throw new ConfigError(
      `a duban process holds ${cfg.database.dir}: stop it first (the folder belongs to one process)`,
    );
  const result = await restoreDataDir(resolve(file), cfg.database.dir, { force: args.includes('--force') });
  if (result.movedAside) process.stdout.write(`kept the previous record at ${result.movedAside}\n`);
  process.stdout.write(`restored ${file} into ${cfg.database.dir} (${result.migrations} migrations)\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`restore failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
