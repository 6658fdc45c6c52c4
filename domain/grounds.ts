// Grounds of accountability (问责情形) as people read them: a code of the policy's catalogue (S1 §三,
// S3 §四, S4 §四(四)) becomes its Chinese text, with free text beside it. Pure and zod-free: the
// item workflow uses it for the cases its ladder opens, the API for the cases opened by hand.
import type { GroundEntry } from './schemas';

export interface CodedGround {
  code: string;
  text: string;
}

/** the coded entries of a catalogue (a plain-string entry has no code to cite) */
export const catalogueOf = (grounds: readonly GroundEntry[] | undefined): CodedGround[] =>
  (grounds ?? []).flatMap((g) => (typeof g === 'string' ? [] : [g]));

export const groundText = (entry: CodedGround, beside?: string): string =>
  beside ? `${entry.text}（${beside}）` : entry.text;

/**
 * The grounds a ladder level cites (`level.grounds`), each with `beside` (which urge, and why), and
 * their codes. A code the catalogue lacks is left out: the API refuses such a policy, and a
 * hand-started workflow must not fail on it.
 */
export function citedGrounds(
  catalogue: readonly GroundEntry[] | undefined,
  codes: readonly string[] | undefined,
  beside: string,
): { grounds: string[]; codes: string[] } {
  const known = catalogueOf(catalogue);
  const cited = (codes ?? []).flatMap((c) => known.filter((k) => k.code === c));
  return { grounds: cited.map((g) => groundText(g, beside)), codes: cited.map((g) => g.code) };
}
