// Publish throughput with autocannon: signed POST /message requests per second.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { sign } from './sign.mjs';
import { round } from './stats.mjs';

/** CPU milliseconds (user + system) a process has used: robust to the load generator sharing the machine. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function publishLoad({ url, pid, secret, channel, seconds = 10, connections = 16 }) {
  const body = JSON.stringify([{ user: 'bench', channel, message: { text: 'x'.repeat(150) } }]);
  const headers = { 'content-type': 'application/json' };
  if (secret) headers['x-channelstream-secret'] = sign(secret); // valid for 60 s: longer than a run
  const options = { url: `${url}/message`, method: 'POST', headers, body, connections, pipelining: 1 };
  await autocannon({ ...options, duration: 2 }); // warm-up: the JIT, caches, the first allocations
  const cpuBefore = pid ? cpuMs(pid) : 0;
  const result = await autocannon({ ...options, duration: seconds });
  const cpuUs = pid ? ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, result.requests.total) : null;
  return {
    requests_per_s: round(result.requests.average, 0),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    server_cpu_us_per_request: round(cpuUs, 1),
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
