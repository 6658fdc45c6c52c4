// The storm benchmark explains its lag ratio by the CPU each phase spent (bench/lib/cpu.ts). These
// check that the reading is of the process named: a child that spins shows its work, one that
// sleeps shows next to none, and this process's own work lands in benchProcessMs, not serverMs.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuWindow, formatCpu } from '../../bench/lib/cpu';

const onLinux = process.platform === 'linux' ? it : it.skip;

function child(code: string): ChildProcess {
  return spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cpuWindow', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  onLinux('reads a spinning process as busy and a sleeping one as idle', async () => {
    const spinner = child('for (;;) {}');
    const sleeper = child('setTimeout(() => {}, 60_000)');
    children.push(spinner, sleeper);
    await wait(300); // both past start-up
    const busy = cpuWindow(spinner.pid);
    const idle = cpuWindow(sleeper.pid);
    await wait(600);
    const b = busy();
    const i = idle();
    // a spinning thread gets well over half of 600 ms even on a loaded machine; a sleeping one ~0
    expect(b.serverMs).toBeGreaterThan(200);
    expect(i.serverMs).toBeLessThan(50);
    expect(b.wallMs).toBeGreaterThanOrEqual(590);
  });

  it("counts this process's own work in benchProcessMs", () => {
    const end = cpuWindow();
    const until = Date.now() + 150;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const w = end();
    expect(x).toBeGreaterThan(0);
    expect(w.benchProcessMs).toBeGreaterThan(100);
    expect(w.serverMs).toBeUndefined();
  });

  it('answers no server figure for a process that is gone', async () => {
    const gone = child('process.exit(0)');
    await new Promise((r) => gone.once('exit', r));
    expect(cpuWindow(gone.pid)().serverMs).toBeUndefined();
  });

  it('prints cores used and the split per workflow', () => {
    const line = formatCpu('items', 100, { wallMs: 2000, benchProcessMs: 2500, serverMs: 1000 });
    expect(line).toBe(
      '  CPU, items: 1.75 cores over 2.0 s; 35.0 ms per workflow (worker process 25.0, dev server 10.0)',
    );
  });
});
