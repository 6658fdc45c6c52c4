// CPU time spent over a window, by this process (every thread: the worker's main and workflow
// threads, the embedded record, the receiver) and by the dev server. A storm on two cores is bound
// by the machine, not by waiting, so the CPU a delivery costs explains its lag where the lag alone
// cannot: items and baseline measured in the same window shape compare as work, not as noise.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuWindow {
  wallMs: number;
  /** this process's user + system time, ms */
  benchProcessMs: number;
  /** the dev server's user + system time, ms (absent when there is no local server to read) */
  serverMs?: number;
}

let ticksPerSecond: number | undefined;

/** user + system ms of another process from /proc; undefined when it cannot be read (not Linux, gone) */
function processCpuMs(pid: number): number | undefined {
  try {
    // fields after the parenthesised name: state is field 3, utime 14, stime 15
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Starts a window now; the function it answers closes it. */
export function cpuWindow(serverPid?: number): () => CpuWindow {
  const t0 = Date.now();
  const self0 = process.cpuUsage();
  const server0 = serverPid === undefined ? undefined : processCpuMs(serverPid);
  return () => {
    const self = process.cpuUsage(self0);
    const server1 = serverPid === undefined ? undefined : processCpuMs(serverPid);
    return {
      wallMs: Date.now() - t0,
      benchProcessMs: (self.user + self.system) / 1000,
      ...(server0 !== undefined && server1 !== undefined ? { serverMs: server1 - server0 } : {}),
    };
  };
}

/** One line: cores used over the window and CPU ms per workflow, split by process. */
export function formatCpu(what: string, n: number, w: CpuWindow): string {
  const total = w.benchProcessMs + (w.serverMs ?? 0);
  const per = (ms: number) => (ms / n).toFixed(1);
  const server = w.serverMs === undefined ? '' : `, dev server ${per(w.serverMs)}`;
  return (
    `  CPU, ${what}: ${(total / w.wallMs).toFixed(2)} cores over ${(w.wallMs / 1000).toFixed(1)} s; ` +
    `${per(total)} ms per workflow (worker process ${per(w.benchProcessMs)}${server})`
  );
}
