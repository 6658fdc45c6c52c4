// Input checked at the activity boundary: a zod schema per activity, and bad input failing as a
// non-retryable InvalidInput that names each wrong field, since retrying it can never succeed.
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

export const INVALID_INPUT = 'InvalidInput';

/** `what` names the input in the message (the calendar activities call theirs a request) */
export function parseInput<S extends z.ZodType>(
  activity: string,
  schema: S,
  input: unknown,
  what = 'input',
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || `(${what})`}: ${i.message}`);
    throw ApplicationFailure.nonRetryable(
      `${activity}: invalid ${what}: ${issues.join('; ')}`,
      INVALID_INPUT,
    );
  }
  return parsed.data;
}
