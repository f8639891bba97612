// Publish throughput with autocannon: signed POST /message requests per second.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { sign } from './sign.mjs';
import { round } from './stats.mjs';

/** CPU milliseconds a process has used, in user space and in the kernel (sockets): robust to the load generator sharing the machine. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

export async function publishLoad({ url, pid, secret, channel, seconds = 10, connections = 16 }) {
  const body = JSON.stringify([{ user: 'bench', channel, message: { text: 'x'.repeat(150) } }]);
  const headers = { 'content-type': 'application/json' };
  if (secret) headers['x-channelstream-secret'] = sign(secret); // valid for 60 s: longer than a run
  const options = { url: `${url}/message`, method: 'POST', headers, body, connections, pipelining: 1 };
  await autocannon({ ...options, duration: 2 }); // warm-up: the JIT, caches, the first allocations
  const cpuBefore = pid ? cpuMs(pid) : undefined;
  const result = await autocannon({ ...options, duration: seconds });
  const cpuAfter = pid ? cpuMs(pid) : undefined;
  const perRequest = (field) => (cpuBefore ? ((cpuAfter[field] - cpuBefore[field]) * 1000) / Math.max(1, result.requests.total) : null);
  return {
    requests_per_s: round(result.requests.average, 0),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    server_cpu_us_per_request: round(perRequest('user') + perRequest('system'), 1),
    server_user_us_per_request: round(perRequest('user'), 1),
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
