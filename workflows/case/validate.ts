// The case's refusals, as pure checks: each returns the refusal (`type` as in REFUSAL, a Chinese
// message) or undefined. The shell throws them from the Updates' validators, so a refused request
// never reaches the history.
import { kindCatalogue, type MeasureCatalogue } from '../cascade';
import { formatLocal } from '../format';
import type { AppealInput, CaseReviewInput, DecisionInput, InvestigationInput } from '../../domain/schemas';
import type { CaseAppeal, CaseStage, CaseState, ImposedMeasure } from '../types';
import { STEP_NAMES, type CaseContext, type CaseSetup } from './state';

export interface Refusal {
  type: 'InvalidState' | 'TooLate' | 'InvalidInput';
  message: string;
}

const invalidState = (message: string): Refusal => ({ type: 'InvalidState', message });
const invalidInput = (message: string): Refusal => ({ type: 'InvalidInput', message });

/** the measures the policy allows (S1 §二, S3 §三, S4 §四(五)), for either kind */
export function catalogueOf(setup: CaseSetup): MeasureCatalogue {
  const { policy, escalation } = setup;
  return kindCatalogue({}, [
    ...(escalation?.proposed ?? []),
    ...(policy.unitMeasures ?? []),
    ...(policy.personMeasures ?? []),
    ...policy.reminders.flatMap((l) => l.measures),
  ]);
}

/** the cascade only reaches a kind its own list allows, when the policy has one */
export function cascadeCatalogueOf(setup: CaseSetup): MeasureCatalogue {
  return kindCatalogue(setup.policy, [
    ...(setup.escalation?.proposed ?? []),
    ...setup.policy.reminders.flatMap((l) => l.measures),
  ]);
}

export const pendingAppeals = (state: CaseState): CaseAppeal[] => state.appeals.filter((a) => !a.review);

export function requireStage(state: CaseState, stage: CaseStage): Refusal | undefined {
  if (state.stage === 'closed') return invalidState(`案件 ${state.id} 已结案`);
  if (state.stage !== stage) {
    return invalidState(`案件处于“${STEP_NAMES[state.stage]}”阶段，不能进行“${STEP_NAMES[stage]}”`);
  }
  return undefined;
}

export function validateMeasures(
  state: CaseState,
  measures: readonly ImposedMeasure[],
  setup: CaseSetup,
): Refusal | undefined {
  const catalogue = catalogueOf(setup);
  const seen = new Set<string>();
  for (const m of measures) {
    const subject = state.subjects.find((s) => s.id === m.subjectId);
    if (!subject) return invalidInput(`问责对象 ${m.subjectId} 不是本案当事人`);
    const entry = catalogue(m.code, subject.kind);
    if (!entry) {
      return invalidInput(
        `措施 ${m.code} 不在政策 ${setup.policy.name} 对${subject.kind === 'unit' ? '单位' : '个人'}的问责形式中`,
      );
    }
    if (m.code === 'fine' && m.amount === undefined && entry.amount === undefined) {
      return invalidInput('罚款须写明金额（amount，元）');
    }
    const key = `${m.subjectId}|${m.code}`;
    if (seen.has(key)) return invalidInput(`对 ${m.subjectId} 重复作出 ${m.code}`);
    seen.add(key);
  }
  return undefined;
}

export function validateInvestigation(state: CaseState, _u?: InvestigationInput): Refusal | undefined {
  return requireStage(state, 'investigation');
}

export function validateDecision(state: CaseState, u: DecisionInput, ctx: CaseContext): Refusal | undefined {
  const wrong = requireStage(state, 'decision');
  if (wrong || u.decision !== 'impose') return wrong;
  if (u.measures.length === 0) return invalidInput('作出问责决定须至少列明一项措施');
  return validateMeasures(state, u.measures, ctx.setup);
}

export function validateAppeal(state: CaseState, u: AppealInput, ctx: CaseContext): Refusal | undefined {
  if (state.decision?.decision !== 'impose') {
    return invalidState(`案件处于“${STEP_NAMES[state.stage]}”阶段，不受理申诉`);
  }
  if (state.appealDeadlineAt !== undefined && ctx.now > Date.parse(state.appealDeadlineAt)) {
    const end = formatLocal(state.appealDeadlineAt, ctx.timeZone);
    return { type: 'TooLate', message: `申诉期已于 ${end} 届满，不再受理申诉` };
  }
  if (state.stage === 'closed') return invalidState(`案件 ${state.id} 已结案`);
  if (!state.subjects.some((s) => s.id === u.subjectId)) {
    return invalidInput(`申诉人 ${u.subjectId} 不是本案当事人`);
  }
  if (state.appeals.some((a) => a.subjectId === u.subjectId)) {
    return invalidState(`${u.subjectId} 已提出申诉，每名被问责对象申诉一次`);
  }
  return undefined;
}

/** the appeal a review answers: the one named, or the only one pending */
export function appealToReview(
  state: CaseState,
  subjectId: string | undefined,
): { appeal: CaseAppeal } | { refusal: Refusal } {
  const pending = pendingAppeals(state);
  if (subjectId) {
    const named = pending.find((a) => a.subjectId === subjectId);
    return named ? { appeal: named } : { refusal: invalidInput(`没有 ${subjectId} 待复查的申诉`) };
  }
  if (pending.length !== 1) {
    return { refusal: invalidInput(`有 ${pending.length} 项申诉待复查，须写明申诉人（subjectId）`) };
  }
  return { appeal: pending[0]! };
}

export function validateReview(state: CaseState, u: CaseReviewInput, ctx: CaseContext): Refusal | undefined {
  const wrong = requireStage(state, 'review');
  if (wrong) return wrong;
  const found = appealToReview(state, u.subjectId);
  if ('refusal' in found) return found.refusal;
  const { appeal } = found;
  if (u.decision === 'amend') {
    if (!u.measures?.length) return invalidInput('变更决定须列明新的问责措施');
    const bad = validateMeasures(state, u.measures, ctx.setup);
    if (bad) return bad;
  }
  if (u.decision !== 'uphold' && u.measures?.length) {
    for (const x of u.measures) {
      if (x.subjectId !== appeal.subjectId) {
        return invalidInput(`复查只处理申诉人 ${appeal.subjectId} 的措施，不涉及 ${x.subjectId}`);
      }
      const live = state.measures.some(
        (m) => m.status === 'executed' && m.subjectId === x.subjectId && m.code === x.code,
      );
      if (u.decision === 'revoke' && !live)
        return invalidInput(`没有对 ${x.subjectId} 执行中的措施 ${x.code}`);
    }
  }
  return undefined;
}
