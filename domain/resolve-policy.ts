// A create or case request names a preset or carries a whole policy; either way the workflow
// receives one validated Policy, so it never has to look anything up.
import { DEFAULT_POLICY, POLICY_PRESETS } from './policies';
import { Policy, type PolicyInput } from './schemas';

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
