// Every id a workflow builds must be one the API can address: within ID_PATTERN, stable, and
// distinct for distinct inputs, whatever the base id (128 chars) or the stage's name (Chinese).
import {
  escalationCaseId,
  ID_PATTERN,
  measureId,
  rectificationItemId,
  stableHash,
} from '../../workflows/ids';

const longest = `A${'x'.repeat(126)}9`;
const bases = ['2026-001', 'a', longest, `Z${'.:-_'.repeat(31)}abc`, `${'9'.repeat(127)}-`];

describe('workflow-generated ids', () => {
  test('the bases themselves are valid ids', () => {
    for (const b of bases) expect(b).toMatch(ID_PATTERN);
    expect(longest).toHaveLength(128);
  });

  test('escalation case ids: level, optional 1-based stage, always within the grammar', () => {
    expect(escalationCaseId('2026-001', 1)).toBe('2026-001-L1');
    expect(escalationCaseId('2026-001', 3, 2)).toBe('2026-001-S2-L3');
    for (const b of bases) {
      for (const [level, stage] of [
        [1, undefined],
        [5, 10],
        [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      ] as const) {
        const id = escalationCaseId(b, level, stage);
        expect(id).toMatch(ID_PATTERN);
        expect(id.endsWith(`${stage ? `-S${stage}` : ''}-L${level}`)).toBe(true);
      }
    }
  });

  test('rectification item and measure ids stay within 128 characters and the grammar', () => {
    expect(rectificationItemId('case-1', 1)).toBe('case-1-rectify-1');
    expect(measureId('case-1', 2)).toBe('case-1-m2');
    for (const b of bases) {
      for (const n of [1, 99, Number.MAX_SAFE_INTEGER]) {
        expect(rectificationItemId(b, n)).toMatch(ID_PATTERN);
        expect(measureId(b, n)).toMatch(ID_PATTERN);
      }
    }
    // a rectification item of a rectification item's case, many times over, still fits
    let id = longest;
    for (let i = 0; i < 20; i++) id = rectificationItemId(escalationCaseId(id, 5, 10), 3);
    expect(id).toMatch(ID_PATTERN);
  });

  test('a shortened id is stable and keeps apart bases that share their first 110 characters', () => {
    const a = `${longest.slice(0, 120)}aaaaaaaa`;
    const b = `${longest.slice(0, 120)}aaaaaaab`;
    expect(rectificationItemId(a, 1)).toBe(rectificationItemId(a, 1));
    expect(rectificationItemId(a, 1)).not.toBe(rectificationItemId(b, 1));
    expect(escalationCaseId(a, 2, 1)).not.toBe(escalationCaseId(b, 2, 1));
    expect(rectificationItemId(a, 1)).toHaveLength(128);
  });

  test('the hash is deterministic, 11 base-36 characters', () => {
    expect(stableHash('2026-001')).toBe(stableHash('2026-001'));
    expect(stableHash('督办')).toMatch(/^[0-9a-z]{11}$/);
    expect(new Set(Array.from({ length: 1000 }, (_, i) => stableHash(`case-${i}`))).size).toBe(1000);
  });

  test('stages with Chinese names get distinct, valid ids from their position', () => {
    const stages = ['摸排', '整改', '验收', '整改 (二)'];
    const ids = stages.map((_name, i) => escalationCaseId(longest, 3, i + 1));
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect(new Set(ids).size).toBe(stages.length);
  });

  test('nonsense numbers are refused', () => {
    expect(() => escalationCaseId('2026-001', 0)).toThrow(RangeError);
    expect(() => escalationCaseId('2026-001', 1, 0)).toThrow(RangeError);
    expect(() => rectificationItemId('c', 1.5)).toThrow(RangeError);
  });
});
