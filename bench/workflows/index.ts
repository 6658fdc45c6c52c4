// The benchmark worker's bundle: every production workflow plus the bench-only baseline.
export * from '../../workflows';
export * from './baseline';
