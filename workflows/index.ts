// The workflow bundle's entry point: every workflow the worker runs.
export * from './supervision';
export { accountabilityCase } from './case/workflow';
export * from './ledger';
