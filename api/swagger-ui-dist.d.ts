// swagger-ui-dist ships no types; this is the one function the API uses.
declare module 'swagger-ui-dist' {
  export function getAbsoluteFSPath(): string;
  const dist: { getAbsoluteFSPath(): string };
  export default dist;
}
