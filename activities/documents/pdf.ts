// PDF, where the machine has LibreOffice: the .docx converted by `soffice --headless`, each conversion
// with a profile of its own (two at once would otherwise fight over one). Chinese renders right only
// with CJK fonts installed (Debian: fonts-noto-cjk); without soffice the API answers 406 (docx is always there).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class PdfUnavailableError extends Error {
  override name = 'PdfUnavailableError';
}

export async function docxToPdf(
  docx: Buffer,
  soffice = process.env.DUBAN_SOFFICE ?? 'soffice',
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'duban-pdf-'));
  try {
    await writeFile(join(dir, 'document.docx'), docx);
    try {
      await run(
        soffice,
        [
          `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
          '--headless',
          '--convert-to',
          'pdf',
          '--outdir',
          dir,
          join(dir, 'document.docx'),
        ],
        { timeout: 120_000 },
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new PdfUnavailableError('PDF needs LibreOffice (soffice) on the server; ask for format=docx');
      throw err;
    }
    return await readFile(join(dir, 'document.pdf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
