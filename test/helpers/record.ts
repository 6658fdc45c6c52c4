// A real record for tests: PGlite in memory (real PostgreSQL, migrated), one per test file.
import { openDatabase, type Db } from '../../activities/record/db';

let shared: Promise<Db> | undefined;

/** The test file's record; every caller in the file shares it, so the API reads what workers wrote. */
export function memoryRecord(): Promise<Db> {
  shared ??= openDatabase();
  return shared;
}
