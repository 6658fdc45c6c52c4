// The case's refusals, as pure checks: each returns the refusal (`type` as in REFUSAL, a Chinese
// message) or undefined. The shell throws them from the Updates' validators, so a refused request
// never reaches the history.
import { cascadeMeasures, kindCatalogue, type MeasureCatalogue } from '../cascade';
import { formatLocal } from '../format';
import { MEASURE_CODES, MEASURE_SUBJECTS } from '../../domain/measure-codes';
import { MEASURE_NAMES } from '../../domain/policies';
import type { AppealInput, CaseReviewInput, DecisionInput, InvestigationInput } from '../../domain/schemas';
import type { Actor, CaseAppeal, CaseStage, CaseState, ImposedMeasure, ProposedMeasure } from '../types';
import { STEP_NAMES, type CaseContext, type CaseSetup } from './state';

export interface Refusal {
  type: 'InvalidState' | 'TooLate' | 'InvalidInput';
  message: string;
}

const invalidState = (message: string): Refusal => ({ type: 'InvalidState', message });
const invalidInput = (message: string): Refusal => ({ type: 'InvalidInput', message });

/** every measure of the catalogue, each for the kinds it fits by nature */
const WHOLE_CATALOGUE: readonly ProposedMeasure[] = MEASURE_CODES.map((code) => ({
  code,
  appliesTo: MEASURE_SUBJECTS[code],
}));

const nameOf = (code: string): string => MEASURE_NAMES[code] ?? code;

/** the measures the policy allows (S1 §二, S3 §三, S4 §四(五)), for either kind; a case opened by hand
 * without a policy may use the whole catalogue */
export function catalogueOf(setup: CaseSetup): MeasureCatalogue {
  const { policy, escalation } = setup;
  if (setup.wholeCatalogue) return kindCatalogue({}, WHOLE_CATALOGUE);
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
    // by its nature, whatever the policy says: a unit is never talked to (诫勉谈话) or removed (免职)
    const fits = MEASURE_SUBJECTS[m.code];
    if (fits !== 'both' && fits !== subject.kind) {
      const only = fits === 'person' ? '个人' : '单位';
      const kind = subject.kind === 'unit' ? '单位' : '个人';
      return invalidInput(`${nameOf(m.code)}只适用于${only}，不能对${kind}“${subject.name}”作出`);
    }
    const entry = catalogue(m.code, subject.kind);
    if (!entry) {
      const kind = subject.kind === 'unit' ? '单位' : '个人';
      return invalidInput(`措施“${nameOf(m.code)}”不在政策 ${setup.policy.name} 对${kind}的问责形式中`);
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

/** S3 §三: what the imposed measures would cascade to, before the decider's choice */
export function proposedCascade(state: CaseState, measures: readonly ImposedMeasure[], setup: CaseSetup) {
  const sources = measures.map((m, i) => ({ ...m, measureId: `proposed-${i + 1}` }));
  return cascadeMeasures(sources, state.subjects, setup.policy.cascade, cascadeCatalogueOf(setup));
}

export function validateDecision(state: CaseState, u: DecisionInput, ctx: CaseContext): Refusal | undefined {
  const wrong = requireStage(state, 'decision');
  if (wrong || u.decision !== 'impose') return wrong;
  if (u.measures.length === 0) return invalidInput('作出问责决定须至少列明一项措施');
  const bad = validateMeasures(state, u.measures, ctx.setup);
  if (bad || !u.cascade) return bad;
  // a choice names parts of the proposed cascade, nothing else (it never adds a measure)
  const proposed = proposedCascade(state, u.measures, ctx.setup);
  const named = 'keep' in u.cascade ? u.cascade.keep : u.cascade.drop;
  for (const x of named) {
    if (!proposed.some((p) => p.subjectId === x.subjectId && p.code === x.code)) {
      return invalidInput(`${x.subjectId} 的“${nameOf(x.code)}”不在本决定拟连带问责的范围内（S3 §三）`);
    }
  }
  return undefined;
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

export function validateReview(
  state: CaseState,
  u: CaseReviewInput & { actor?: Actor },
  ctx: CaseContext,
): Refusal | undefined {
  const wrong = requireStage(state, 'review');
  if (wrong) return wrong;
  // 复议、复查 (S4 §四(六)6) is a second look: never by whoever decided the measures under appeal
  const under = appealToReview(state, u.subjectId);
  const appellant = 'appeal' in under ? under.appeal.subjectId : undefined;
  const deciders = new Set([
    ...(state.decision ? [state.decision.by] : []),
    ...state.measures.filter((m) => m.subjectId === appellant && m.decidedBy).map((m) => m.decidedBy!),
  ]);
  if (u.actor && deciders.has(u.actor.id)) {
    return invalidState(`复议复查须由作出问责决定的领导（${u.actor.id}）以外的领导作出（S4 §四(六)6）`);
  }
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
