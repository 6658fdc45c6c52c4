// One pino logger for the process, and the bridge that sends the Temporal SDK's logs (the worker's,
// the workflows' `log` and the activities' `log`, and the native core's forwarded lines) into it, so
// every line is JSON with the same fields.
import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';

export type { PinoLogger };

export function createLogger(level: string, name = 'duban'): PinoLogger {
  return pino({ name, level });
}

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export function sdkLogger(logger: PinoLogger): SdkLogger {
  const at =
    (level: LogLevel) =>
    (message: string, meta?: LogMetadata): void =>
      logger[toPino[level]]({ ...meta }, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}

const fromPino = (level: string): LogLevel => {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
};

/**
 * Installs the SDK runtime with our logger, once per process (the runtime is a singleton and must
 * exist before the first NativeConnection). Signal handling stays with the caller: the runtime's own
 * handlers would shut the worker down before the API stops taking requests. With `metricsBindAddress`
 * (DUBAN_WORKER_METRICS) the SDK's core serves its Prometheus metrics there at /metrics.
 */
export function installRuntime(logger: PinoLogger, metricsBindAddress?: string): void {
  if (Runtime._instance) return;
  Runtime.install({
    logger: sdkLogger(logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: fromPino(logger.level), other: 'WARN' }, forward: {} },
      ...(metricsBindAddress ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } } : {}),
    },
  });
}
