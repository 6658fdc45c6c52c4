// `node dist/scripts/render-bulletin.js [--docx FILE] [--out PNG] [--page N] [--dpi N]`: a page of a
// 督查通报 as a PNG, to look at once as a person would (docs/screenshots/bulletin.png). Without
// --docx it asks a real app, over HTTP, for the PDF of August's bulletin on a sample record (the
// benchmark's synthetic items, 20 units, in an in-memory PGlite); with --docx it renders a file saved
// with curl. Needs LibreOffice and poppler (Debian: libreoffice-writer-nogui fonts-noto-cjk
// poppler-utils), which CI does not install: it is run on demand, never by the tests.
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { openDatabase } from '../activities/record/db';
import { docxToPdf } from '../activities/documents/pdf';
import { createApp } from '../api/app';
import { OVERVIEW_NOW, seedOverview } from '../bench/overview';
import { officialCalendar } from '../domain/calendar/official';

const run = promisify(execFile);
const TOKEN = 'render-token-0123456789abcdef';

/** the sample's bulletin as PDF, through the route a user would call */
async function samplePdf(): Promise<Buffer> {
  const db = await openDatabase();
  try {
    await seedOverview(db, 200);
    const app = createApp({
      client: {} as Client,
      calendar: officialCalendar(),
      tokens: [{ token: TOKEN, actor: 'render', role: 'staff' }],
      taskQueue: 'unused',
      timeZone: 'Asia/Shanghai',
      now: () => new Date(OVERVIEW_NOW),
      record: db,
      office: { name: '市政府督查室' },
    });
    const server = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(
        `http://127.0.0.1:${port}/v1/documents/bulletin?from=2026-08-01&to=2026-08-31&serial=7&format=pdf`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      if (res.status !== 200) throw new Error(`the bulletin answered ${res.status}: ${await res.text()}`);
      return Buffer.from(await res.arrayBuffer());
    } finally {
      await new Promise((r) => server.close(r));
    }
  } finally {
    await db.close();
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const docx = flag(args, '--docx');
  const out = resolve(flag(args, '--out') ?? 'docs/screenshots/bulletin.png');
  const dpi = Number(flag(args, '--dpi') ?? '90');
  const page = String(Number(flag(args, '--page') ?? '1'));
  const pdf = docx ? await docxToPdf(await readFile(docx)) : await samplePdf();
  const dir = await mkdtemp(join(tmpdir(), 'duban-render-'));
  try {
    await writeFile(join(dir, 'bulletin.pdf'), pdf);
    // one page: the first has the masthead, the summary and the table a reader checks first
    await run(
      'pdftoppm',
      ['-png', '-r', String(dpi), '-f', page, '-l', page, '-singlefile', 'bulletin.pdf', 'page'],
      {
        cwd: dir,
      },
    ).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new Error('pdftoppm is missing: apt-get install poppler-utils') : err;
    });
    await rename(join(dir, 'page.png'), out).catch(async () => {
      // another file system: copy instead
      await writeFile(out, await readFile(join(dir, 'page.png')));
    });
    console.log(`${out} (${pdf.length} bytes of PDF, page ${page} at ${dpi} dpi)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
