// Backup and restore of the embedded record: rows written, backed up, restored into a fresh folder,
// read back; an existing record is kept aside, never overwritten silently.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../activities/record/db';
import { applyItemBatch, getItem, getUnit, putUnit } from '../../activities/record/store';
import { backupDataDir } from '../../scripts/backup';
import { restoreDataDir } from '../../scripts/restore';
import { itemBatch } from './fixtures';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-record-backup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('backs up the embedded record and restores it into a fresh folder', async () => {
  const source = join(dir, 'source');
  const db = await openDatabase({ dataDir: source });
  await applyItemBatch(
    db,
    itemBatch('kept-1', 1, { upsert: { reports: [{ id: 'r1', summary: '已完成' }] } }),
  );
  await putUnit(db, { id: 'u-1', name: '甲局' });
  await db.close();

  const file = join(dir, 'backups', 'record.tar.gz');
  expect(await backupDataDir(source, file)).toBeGreaterThan(1000);

  const target = join(dir, 'restored');
  expect((await restoreDataDir(file, target)).migrations).toBeGreaterThanOrEqual(1);
  const restored = await openDatabase({ dataDir: target });
  try {
    expect(await getItem(restored, 'kept-1')).toMatchObject({
      id: 'kept-1',
      reports: [{ id: 'r1', summary: '已完成' }],
      history: [{ action: 'step 1' }],
    });
    expect(await getUnit(restored, 'u-1')).toMatchObject({ name: '甲局' });
    // the restored record takes new writes
    expect((await applyItemBatch(restored, itemBatch('kept-1', 2))).applied).toBe(true);
  } finally {
    await restored.close();
  }

  await expect(restoreDataDir(file, target)).rejects.toThrow(/not empty/);
  const forced = await restoreDataDir(file, target, { force: true });
  expect(forced.movedAside && existsSync(forced.movedAside)).toBe(true);
  const again = await openDatabase({ dataDir: target });
  try {
    expect((await getItem(again, 'kept-1'))?.revision).toBe(1);
  } finally {
    await again.close();
  }
});

it('refuses to back up a folder that holds no record', async () => {
  await expect(backupDataDir(join(dir, 'nothing'), join(dir, 'x.tar.gz'))).rejects.toThrow(
    /no embedded record/,
  );
});
