// Business refusal types (mapped to HTTP 409 by the API). Pure, so the workflows' cores use them too.
export const REFUSAL = {
  invalidState: 'InvalidState',
  tooLate: 'TooLate',
  notFound: 'NotFound',
  invalidInput: 'InvalidInput',
} as const;
