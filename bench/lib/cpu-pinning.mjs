// Keeps the server under test and the load generator off each other's CPUs (Linux, taskset): on a small
// machine, a server sharing its cores with thousands of subscribers' sockets and the publisher waits on the
// scheduler for them, and both servers' tails measure that wait (five rounds of the same build sharing the
// cores gave p99 ratios from 0.7 to 4.4). A server in production has its CPU to itself.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The CPU plan: servers on the last CPU, the load generator on the rest (`all` undoes it); null where it cannot be done. */
export function planPinning() {
  const cpus = availableParallelism();
  if (process.platform !== 'linux' || cpus < 2) return null;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { server: String(cpus - 1), load: cpus === 2 ? '0' : `0-${cpus - 2}`, all: `0-${cpus - 1}` };
}

/** Moves this process (every thread it has, and so the workers it starts later) onto `cpus`. */
export function pinSelf(cpus) {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}
