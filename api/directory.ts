// The unit directory (单位名录) as the API uses it: the shape a unit is answered in, and the filling
// of an item's units named by id alone. What is filled is copied into the item's input, so the item
// keeps the names and people of its creation day whatever the directory says later.
import type { Db } from '../activities/record/db';
import { getUnits, type UnitRow } from '../activities/record/store';
import type { CreateItem, Person, ReassignInput, Responsible, Unit } from '../domain/schemas';
import type { ApiContext } from './context';
import { HttpProblem, invalidField } from './errors';

/** the record, or a 503: the directory lives there and nowhere else */
export function recordOf(ctx: ApiContext): Db {
  if (!ctx.record) {
    throw new HttpProblem(
      503,
      'record-unavailable',
      'Service Unavailable',
      'the record (PostgreSQL) is not configured for this API',
    );
  }
  return ctx.record;
}

/** a unit as GET/PUT /v1/units answer it: the directory row with `parent` for `parentId` */
export function unitView(u: UnitRow) {
  const { parentId, ...rest } = u;
  return { ...rest, ...(parentId !== undefined ? { parent: parentId } : {}) };
}

export type AssignedUnit = Unit & { duty?: string; due?: { workingDays: number } | { at: string } };

/** A create body with every unit complete and the responsible persons known: what the item starts with. */
export type ResolvedItem = Omit<CreateItem, 'leadUnit' | 'assistingUnits' | 'responsible'> & {
  leadUnit: Unit;
  assistingUnits?: AssignedUnit[];
  responsible: Responsible;
};

const complete = (ref: { id: string; name?: string; liaison?: Person }, dir: UnitRow | undefined): Unit => {
  const liaison = ref.liaison ?? (ref.name === undefined ? dir?.liaison : undefined);
  return { id: ref.id, name: ref.name ?? dir!.name, ...(liaison ? { liaison } : {}) };
};

/**
 * Fills units given by id alone (no name) from the directory, and `responsible`, when absent, from
 * the lead unit's principal and inCharge. A unit given with its name is taken as written, as it
 * always was. An id the directory does not hold is a 400 naming the field (`assistingUnits.1.id`).
 */
export async function resolveUnits(ctx: ApiContext, body: CreateItem): Promise<ResolvedItem> {
  const refs = [
    { path: 'leadUnit', ref: body.leadUnit },
    ...(body.assistingUnits ?? []).map((ref, i) => ({ path: `assistingUnits.${i}`, ref })),
  ];
  const wanted = refs.filter((r) => r.ref.name === undefined).map((r) => r.ref.id);
  if (!body.responsible) wanted.push(body.leadUnit.id);
  const dir = wanted.length ? await getUnits(recordOf(ctx), wanted) : new Map<string, UnitRow>();
  for (const { path, ref } of refs) {
    if (ref.name === undefined && !dir.has(ref.id)) {
      throw invalidField(`${path}.id`, `no unit "${ref.id}" in the directory (PUT /v1/units/${ref.id})`);
    }
  }
  let responsible = body.responsible;
  if (!responsible) {
    const lead = dir.get(body.leadUnit.id);
    if (!lead?.principal) {
      throw invalidField(
        'responsible',
        lead
          ? `required: the directory names no principal for unit "${lead.id}"`
          : `required: unit "${body.leadUnit.id}" is not in the directory to supply it`,
      );
    }
    responsible = { principal: lead.principal, ...(lead.inCharge ? { inCharge: lead.inCharge } : {}) };
  }
  const { leadUnit, assistingUnits, ...rest } = body;
  return {
    ...rest,
    leadUnit: complete(leadUnit, dir.get(leadUnit.id)),
    ...(assistingUnits
      ? {
          assistingUnits: assistingUnits.map((u) => ({
            ...complete(u, dir.get(u.id)),
            ...(u.duty !== undefined ? { duty: u.duty } : {}),
            ...(u.due !== undefined ? { due: u.due } : {}),
          })),
        }
      : {}),
    responsible,
  };
}

/**
 * A reassignment (重新交办) names its new lead unit as a create does: by id alone from the directory,
 * and without `responsible` the new unit's principal and inCharge (the old unit's people are not
 * the new unit's). Answers the body with both complete; a 400 names the field otherwise.
 */
export async function resolveReassignment(ctx: ApiContext, body: ReassignInput): Promise<ReassignInput> {
  const resolved = await resolveUnits(ctx, {
    title: '-',
    source: { kind: 'other' },
    leadUnit: body.leadUnit,
    ...(body.responsible ? { responsible: body.responsible } : {}),
  });
  return { ...body, leadUnit: resolved.leadUnit, responsible: resolved.responsible };
}
