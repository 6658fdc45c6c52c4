// Server-Timing (W3C): the phases of a request and how long each took, as a response header that
// browser devtools show and the `api` benchmark reads (where a create's time goes beyond the start).
import type { NextFunction, Request, Response } from 'express';

export class ServerTiming {
  private last: number;
  private readonly phases: string[] = [];

  constructor(private readonly receivedAt = performance.now()) {
    this.last = receivedAt;
  }

  /** Ends the phase running since the last mark (or the request's arrival) under `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.phases.push(`${name};dur=${(now - this.last).toFixed(2)}`);
    this.last = now;
  }

  /** Sets the header: the phases marked so far, and `total` since the request arrived. */
  send(res: Response): void {
    const total = `total;dur=${(performance.now() - this.receivedAt).toFixed(2)}`;
    res.setHeader('Server-Timing', [...this.phases, total].join(', '));
  }
}

/** First middleware: starts the request's clock. */
export function startTiming(_req: Request, res: Response, next: NextFunction): void {
  res.locals.timing = new ServerTiming();
  next();
}

/** The request's timing, started by startTiming (the app's first middleware). */
export const timingOf = (res: Response): ServerTiming => res.locals.timing as ServerTiming;

/** Reads a Server-Timing header back into milliseconds by phase (the benchmark's side). */
export function parseServerTiming(header: string | null | undefined): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => /^dur=([\d.]+)$/.exec(p.trim())).find(Boolean);
    if (name && dur) phases[name] = Number(dur[1]);
  }
  return phases;
}
