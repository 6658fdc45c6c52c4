// A create or case request names a preset or carries a whole policy; either way the workflow
// receives one validated Policy, so it never has to look anything up.
import { DEFAULT_POLICY, POLICY_PRESETS } from './policies';
import { catalogueOf, groundText } from './grounds';
import { Policy, type CaseGround, type PolicyInput } from './schemas';

export class UnknownPolicyError extends Error {
  override name = 'UnknownPolicyError';
  constructor(readonly policyName: string) {
    super(`unknown policy "${policyName}"; the presets are: ${Object.keys(POLICY_PRESETS).join(', ')}`);
  }
}

/**
 * Preset name or inline policy (or nothing: the default preset) → a validated Policy, its measures
 * normalised to objects.
 */
export function resolvePolicy(policy: string | PolicyInput | undefined): Policy {
  if (policy === undefined) return Policy.parse(POLICY_PRESETS[DEFAULT_POLICY]);
  if (typeof policy === 'string') {
    const preset = Object.hasOwn(POLICY_PRESETS, policy) ? POLICY_PRESETS[policy] : undefined;
    if (!preset) throw new UnknownPolicyError(policy);
    return Policy.parse(preset);
  }
  return Policy.parse(policy);
}

export class UnknownGroundError extends Error {
  override name = 'UnknownGroundError';
  constructor(
    readonly index: number,
    code: string,
    known: readonly string[],
  ) {
    super(`unknown ground "${code}"; this policy's grounds are: ${known.join(', ') || '(none)'}`);
  }
}

/**
 * A case's grounds (问责情形) as people read them, and the catalogue codes they cite: a code becomes
 * its text in the policy (S1 §三, S3 §四, S4 §四(四)), with the free text beside it; a plain string
 * stays as it is.
 */
export function resolveGrounds(
  grounds: readonly CaseGround[],
  policy: Pick<Policy, 'grounds'>,
): { grounds: string[]; codes: string[] } {
  const catalogue = catalogueOf(policy.grounds);
  const codes: string[] = [];
  const texts = grounds.map((g, i) => {
    if (typeof g === 'string') return g;
    const entry = catalogue.find((c) => c.code === g.code);
    if (!entry)
      throw new UnknownGroundError(
        i,
        g.code,
        catalogue.map((c) => c.code),
      );
    codes.push(g.code);
    return groundText(entry, g.text);
  });
  return { grounds: texts, codes };
}
