// The console's pure helpers, tested here in Node (the console's own modules, no browser): Beijing
// time whatever the browser's zone, and the file name a download is saved under.
import { dateTime, fileNameOf, localInputToIso, today } from '../../console/src/format';

describe('times in Beijing, whatever the browser’s zone', () => {
  test('a datetime-local value is Beijing wall-clock time', () => {
    expect(localInputToIso('2026-09-28T09:00')).toBe('2026-09-28T01:00:00.000Z');
    expect(localInputToIso('2026-01-01T00:30')).toBe('2025-12-31T16:30:00.000Z');
    expect(localInputToIso('not a time')).toBeUndefined();
  });

  test('instants are shown as Beijing time', () => {
    expect(dateTime('2026-10-23T15:59:59.999Z')).toBe('2026-10-23 23:59');
    expect(dateTime(undefined)).toBe('—');
  });
});

describe('today and downloads', () => {
  test('today is the date in Beijing', () => {
    expect(today(undefined, new Date('2026-12-01T16:30:00Z'))).toBe('2026-12-02');
    expect(today(undefined, new Date('2026-12-01T15:30:00Z'))).toBe('2026-12-01');
  });

  test('a download keeps the Chinese name the API gives, in UTF-8 first', () => {
    const header = `attachment; filename="bulletin-2026-11.docx"; filename*=UTF-8''${encodeURIComponent('督查通报-2026-11.docx')}`;
    expect(fileNameOf(header, 'x.docx')).toBe('督查通报-2026-11.docx');
    expect(fileNameOf('attachment; filename="ledger-2026.xlsx"', 'x.xlsx')).toBe('ledger-2026.xlsx');
    expect(fileNameOf("attachment; filename*=UTF-8''%E0%A4%A", 'x.xlsx')).toBe('x.xlsx');
    expect(fileNameOf(null, '督办事项.xlsx')).toBe('督办事项.xlsx');
  });
});
