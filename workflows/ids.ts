// Names shared by the worker, the API and the workflows themselves, and the one place that builds
// every business id a workflow generates, so each such id is one the API can address. Pure: the
// workflow bundle imports this module.
export const TASK_QUEUE_DEFAULT = 'duban';

/** the id grammar of items, cases, subjects and units: what a path parameter accepts */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ID_MAX_LENGTH = 128;

/** cyrb53: a small deterministic 53-bit string hash (no Node crypto in the workflow bundle) */
export function stableHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36).padStart(11, '0');
}

/**
 * `${base}${suffix}`, or, when that exceeds the grammar's length, base cut short plus a hash of
 * the whole base: still unique per base, still within ID_PATTERN. The base is itself a valid id.
 */
function derivedId(base: string, suffix: string): string {
  const whole = base + suffix;
  if (whole.length <= ID_MAX_LENGTH) return whole;
  const hash = `-${stableHash(base)}`;
  const keep = ID_MAX_LENGTH - suffix.length - hash.length;
  if (keep < 1) throw new RangeError(`id suffix "${suffix}" is too long`);
  return base.slice(0, keep) + hash + suffix;
}

const positiveInt = (what: string, n: number): number => {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer`);
  return n;
};

/**
 * The case a ladder level opens: `2026-001-L1`, or with stages `2026-001-S2-L3`, where 2 is the
 * stage's 1-based position (a stage's name may be Chinese, which the id grammar does not allow).
 */
export function escalationCaseId(itemId: string, level: number, stageIndex?: number): string {
  const stage = stageIndex === undefined ? '' : `-S${positiveInt('stageIndex', stageIndex)}`;
  return derivedId(itemId, `${stage}-L${positiveInt('level', level)}`);
}

/** the n-th rectification item (责令限期整改) a case starts: `<caseId>-rectify-<n>` */
export const rectificationItemId = (caseId: string, n: number): string =>
  derivedId(caseId, `-rectify-${positiveInt('n', n)}`);

/** the n-th measure a case records: `<caseId>-m<n>` */
export const measureId = (caseId: string, n: number): string => derivedId(caseId, `-m${positiveInt('n', n)}`);

export const itemWorkflowId = (itemId: string): string => `supervision-${itemId}`;
export const caseWorkflowId = (caseId: string): string => `case-${caseId}`;
/** one ledger per subject kind, id and year: a person and a unit may share an id */
export const ledgerWorkflowId = (subjectKind: 'person' | 'unit', subjectId: string, year: number): string =>
  `ledger-${subjectKind}-${subjectId}-${year}`;

/** the custom search attributes ops filter on in the Temporal UI (registered at server start) */
export const SEARCH_ATTRIBUTES = {
  SupervisionStatus: 'Keyword',
  LeadUnit: 'Keyword',
  DeadlineAt: 'Datetime',
  UrgeCount: 'Int',
  DeliveryFailures: 'Int',
  CaseStage: 'Keyword',
  CaseSubjects: 'KeywordList',
} as const;
