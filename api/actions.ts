// An action route is a body schema paired with the Update it becomes. Building the pair through
// action() makes the compiler check that the schema's output is what the Update takes.
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { WithActor } from '../workflows/messages';
import type { Actor } from '../workflows/types';
import type { ApiRole } from './auth';
import type { ApiContext } from './context';
import { updateOr404 } from './temporal';

export interface ActionSpec {
  path: string;
  roles: ApiRole[];
  schema: z.ZodType;
  summary: string;
  /** the Update's name, for the OpenAPI description */
  update: string;
  run(
    client: Client,
    workflowId: string,
    body: unknown,
    actor: Actor,
    what: string,
    /** the refusal's reason when the workflow has already closed, from its final state */
    closedReason?: (result: unknown) => string | undefined,
  ): Promise<unknown>;
  /** the response body from the Update's outcome; without it the route answers the full state */
  answer?: (outcome: unknown) => unknown;
  /** completes the validated body before it is sent (units named by id, from the directory) */
  prepare?: (ctx: ApiContext, body: unknown) => Promise<unknown>;
}

export function action<Ret, In extends object>(spec: {
  path: string;
  roles: ApiRole[];
  schema: z.ZodType<In>;
  update: UpdateDefinition<Ret, [WithActor<In>]>;
  summary: string;
  answer?: (outcome: Ret) => unknown;
  prepare?: (ctx: ApiContext, body: In) => Promise<In>;
}): ActionSpec {
  return {
    prepare: spec.prepare as ActionSpec['prepare'],
    path: spec.path,
    roles: spec.roles,
    schema: spec.schema,
    summary: spec.summary,
    update: spec.update.name,
    answer: spec.answer as ActionSpec['answer'],
    run: (client, workflowId, body, actor, what, closedReason) =>
      updateOr404(client, workflowId, spec.update, { ...(body as In), actor }, what, closedReason),
  };
}
