// The workflow bundle's entry point: every workflow the worker runs.
export { supervisionItem } from './supervision/workflow';
export * from './case';
export * from './ledger';
