// Keeps workflow test runs' histories under test/histories so the replay test can replay them
// against every later version of the workflow code (a non-deterministic change then fails CI).
// The tests write them only when asked (DUBAN_RECORD_HISTORIES=1, as test/helpers/histories.ts
// does): the committed files must stay the runs of an earlier version, or replay proves nothing.
// The SDK's historyToJSON/historyFromJSON fail in this install (@temporalio/common bundles
// protobufjs 8 while @temporalio/proto is built with 7: "type must be a Type"), so the history is
// written with the proto classes' own toObject (longs, enums and bytes as strings) and read back
// with fromObject, which gives the replayer a History with Long event ids.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(__dirname, '../histories');

const History = temporal.api.history.v1.History;

export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.DUBAN_RECORD_HISTORIES !== '1') return;
  const history = History.fromObject(await handle.fetchHistory());
  const json = History.toObject(history, { longs: String, enums: String, bytes: String });
  await mkdir(HISTORIES_DIR, { recursive: true });
  await writeFile(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(json, null, 1) + '\n');
}

export async function readHistory(file: string): Promise<temporal.api.history.v1.History> {
  return History.fromObject(JSON.parse(await readFile(file, 'utf8')));
}
