// What a unit account (联络员) may see and do, decided here and nowhere else. The role check
// (requireRole) says which routes a unit token may call at all: reading items and cases, filing
// reports, asking for extensions, appealing for its own people (and, when they land, 签收 and
// 退回交办: give those ITEM_ACTIONS the role `unit` and they are scoped like the rest). This module
// adds the other half: on every /items/{id} and /cases/{id} route a unit token reaches only what
// concerns its unit, and anything else answers exactly what a missing id answers, a 404, so a unit
// cannot tell another unit's item from one that does not exist. The overview's statistics and
// exports take the same rule as a filter (ownUnitFilter): a unit token's figures and rows are its own
// unit's, and naming another unit there is a 403 on `unit`.
import type { RequestHandler } from 'express';
import { getCase, itemUnitIds } from '../activities/record/store';
import { getCaseState, getItemState } from '../workflows/messages';
import { caseWorkflowId, itemWorkflowId } from '../workflows/ids';
import type { Actor, Subject } from '../workflows/types';
import { actorOf } from './auth';
import type { ApiContext } from './context';
import { HttpProblem, notFound } from './errors';
import { queryOr404 } from './temporal';

/** the unit a token acts for, or undefined for the office's roles */
export const unitOf = (actor: Actor): string | undefined => (actor.role === 'unit' ? actor.unit : undefined);

/** What a case is, as far as access goes: its subjects and its item. */
export interface CaseScope {
  subjects: Pick<Subject, 'kind' | 'id' | 'unitId'>[];
  itemId?: string;
}

/** a subject that is the unit itself or one of its people */
export const subjectOfUnit = (s: CaseScope['subjects'][number], unit: string): boolean =>
  (s.kind === 'unit' && s.id === unit) || (s.kind === 'person' && s.unitId === unit);

/**
 * The item's lead and assisting unit ids: from the record, or from the workflow while the record
 * has not caught up (a just-created item); undefined when neither knows the item.
 */
async function unitsOfItem(ctx: ApiContext, id: string): Promise<string[] | undefined> {
  const recorded = ctx.record ? await itemUnitIds(ctx.record, id) : undefined;
  if (recorded) return recorded;
  try {
    const s = await queryOr404(ctx.client, itemWorkflowId(id), getItemState, `item "${id}"`);
    return [s.leadUnit.id, ...(s.assistingUnits ?? []).map((u) => u.id)];
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 404) return undefined;
    throw err;
  }
}

async function scopeOfCase(ctx: ApiContext, id: string): Promise<CaseScope | undefined> {
  const recorded = ctx.record ? await getCase(ctx.record, id) : undefined;
  if (recorded && Array.isArray(recorded.subjects)) {
    return { subjects: recorded.subjects as CaseScope['subjects'], itemId: recorded.itemId };
  }
  try {
    const s = await queryOr404(ctx.client, caseWorkflowId(id), getCaseState, `case "${id}"`);
    return { subjects: s.subjects, itemId: s.itemId };
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 404) return undefined;
    throw err;
  }
}

/** whether a case concerns the unit: the unit or its people among the subjects, or its item the unit's */
export async function caseConcernsUnit(ctx: ApiContext, scope: CaseScope, unit: string): Promise<boolean> {
  if (scope.subjects.some((s) => subjectOfUnit(s, unit))) return true;
  if (!scope.itemId) return false;
  return (await unitsOfItem(ctx, scope.itemId))?.includes(unit) ?? false;
}

/** For /items/{id} routes, after the params are validated: a unit token reaches its own items only. */
export function scopeItem(ctx: ApiContext): RequestHandler {
  return async (_req, res, next) => {
    const unit = unitOf(actorOf(res.locals));
    if (unit === undefined) return next();
    const { id } = res.locals.params as { id: string };
    const units = await unitsOfItem(ctx, id);
    if (!units?.includes(unit)) throw notFound(`no item "${id}"`);
    next();
  };
}

/** For /cases/{id} routes: a unit token reaches the cases that concern it; res.locals.caseScope is set. */
export function scopeCase(ctx: ApiContext): RequestHandler {
  return async (_req, res, next) => {
    const unit = unitOf(actorOf(res.locals));
    if (unit === undefined) return next();
    const { id } = res.locals.params as { id: string };
    const scope = await scopeOfCase(ctx, id);
    if (!scope || !(await caseConcernsUnit(ctx, scope, unit))) throw notFound(`no case "${id}"`);
    res.locals.caseScope = scope;
    next();
  };
}

/**
 * After the body of an appeal is validated: a unit appeals for itself and its own people only. The
 * case is already known to concern the unit, so naming the refusal leaks nothing.
 */
export const ownSubjectOnly: RequestHandler = (_req, res, next) => {
  const unit = unitOf(actorOf(res.locals));
  if (unit === undefined) return next();
  const { subjectId } = res.locals.body as { subjectId: string };
  const scope = res.locals.caseScope as CaseScope;
  const subject = scope.subjects.find((s) => s.id === subjectId);
  if (!subject || !subjectOfUnit(subject, unit)) {
    throw new HttpProblem(
      403,
      'forbidden',
      'Forbidden',
      `subjectId: a unit account appeals only for its own unit (${unit}) and its people`,
      { errors: [{ path: 'subjectId', message: `not unit ${unit} or one of its people` }] },
    );
  }
  next();
};

/**
 * The `unit` filter of a statistics or export query. The office's roles filter by what they ask for;
 * a unit token is always filtered to its own unit (lead or assisting), and asking for another unit is
 * a 403 naming `unit`: the directory is public, so saying so leaks nothing, and an empty answer would
 * read as "no items" where the truth is "not yours to count".
 */
export function ownUnitFilter(actor: Actor, asked: string | undefined): string | undefined {
  const unit = unitOf(actor);
  if (unit === undefined) return asked;
  if (asked !== undefined && asked !== unit) {
    throw new HttpProblem(
      403,
      'forbidden',
      'Forbidden',
      `unit: a unit account counts and exports its own unit (${unit}) only`,
      { errors: [{ path: 'unit', message: `not unit ${unit}` }] },
    );
  }
  return unit;
}
