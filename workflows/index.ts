// The workflow bundle's entry point: every workflow the worker runs.
export * from './supervision';
export * from './case';
export * from './ledger';
