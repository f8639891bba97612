// CPU a process has used, read from /proc (Linux): robust to the load generator sharing the machine.
import { readFileSync } from 'node:fs';

/** CPU milliseconds `pid` has used, in user space and in the kernel (sockets); null where /proc is missing. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const tick = 10; // USER_HZ is 100 on Linux
    return { user: Number(fields[11]) * tick, system: Number(fields[12]) * tick };
  } catch {
    return null;
  }
}

/** CPU used between two cpuMs readings, in µs per `count` (a request, a delivery), or null. */
export function cpuUsPer(before, after, count) {
  if (!before || !after) return null;
  const per = (field) => Math.round(((after[field] - before[field]) * 1000 * 10) / Math.max(1, count)) / 10;
  return { user: per('user'), system: per('system'), total: Math.round((per('user') + per('system')) * 10) / 10 };
}
