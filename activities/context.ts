// The activity's context, when there is one: the activities are plain functions that scripts and
// unit tests also call directly, outside any activity.
import { Context } from '@temporalio/activity';

/** The running activity's context, or undefined when called directly (a script, a unit test). */
export function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
