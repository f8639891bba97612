#!/usr/bin/env node
// Instructions per signed POST /message, ours against the bare Fastify route, counted by valgrind's callgrind:
// nearly the same count run after run whatever else the machine is doing (main thread: within 0.2% back to back,
// ~7% across a day; all threads, with GC, move more), where requests per second on a shared VM move by 20% between
// two runs of the same build. It counts user-space instructions (not the kernel's, not cache misses),
// so it tracks the work per request; the time ratio is `npm run bench`'s publish part.
// Run by hand, after `npm run build`: node bench/publish-instructions.mjs [--requests 10000]. Needs valgrind.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createChannel, publishBody } from './lib/publish-load.mjs';
import { freePort, nodeEnv, ROOT, scriptEnv, SECRET, waitReady } from './lib/servers.mjs';
import { sign } from './lib/sign.mjs';
import { round } from './lib/stats.mjs';

const requestsArg = process.argv.indexOf('--requests');
const REQUESTS = requestsArg >= 0 ? Number(process.argv[requestsArg + 1]) : 10000;
const WARMUP = 3 * REQUESTS; // under valgrind the JIT needs many more calls to settle

/** Starts `script` under callgrind with counting off; counts only between on() and off(). */
async function underCallgrind(script, env) {
  const dir = mkdtempSync(join(tmpdir(), 'callgrind-'));
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${dir}/out`, process.execPath, script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
  return {
    on: () => control('-i', 'on'),
    /** Instructions counted since on(): the main thread's and all threads' (GC and compiler threads too). */
    off() {
      control('-i', 'off');
      control('-d');
      const totals = readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8').match(/^totals: (\d+)$/m))
        .filter(Boolean)
        .map((m) => Number(m[1]));
      return { main: Math.max(...totals), all: totals.reduce((a, b) => a + b, 0) };
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(name, script, env, port, prepare) {
  const server = await underCallgrind(script, env);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, 300000); // a Nest start under valgrind takes a minute
    const { headers, body } = await prepare(url);
    const options = { url: `${url}/message`, method: 'POST', headers, body, connections: 4 };
    await autocannon({ ...options, amount: WARMUP });
    server.on();
    const run = await autocannon({ ...options, amount: REQUESTS });
    const counted = server.off();
    if (run.non2xx || run.errors) throw new Error(`${name}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
    const per = (n) => Math.round(n / run.requests.total);
    console.error(`${name}: ${per(counted.main)} instructions per request on the main thread, ${per(counted.all)} in all threads`);
    return { main_thread: per(counted.main), all_threads: per(counted.all) };
  } finally {
    await server.stop();
  }
}

const barePort = await freePort();
const bare = await measure('bare Fastify', 'bench/baseline/bare-fastify.mjs', scriptEnv(barePort), barePort, async () => ({
  headers: { 'content-type': 'application/json' },
  body: publishBody('c'),
}));
const ourPort = await freePort();
// a signature valid for the whole run (a minute and more under valgrind)
const ours = await measure('ours', 'dist/main.js', nodeEnv(ourPort, { CHANNELSTREAM_SIGNATURE_MAX_AGE: '3600' }), ourPort, async (url) => {
  const channel = `pub-${randomUUID().slice(0, 6)}`;
  await createChannel(url, SECRET, channel);
  return { headers: { 'content-type': 'application/json', 'x-channelstream-secret': sign(SECRET) }, body: publishBody(channel) };
});
console.log('| signed POST /message, 0 subscribers | instructions per request, main thread | all threads |');
console.log('|---|---|---|');
console.log(`| ours | ${ours.main_thread} | ${ours.all_threads} |`);
console.log(`| bare Fastify route | ${bare.main_thread} | ${bare.all_threads} |`);
console.log(`| bare / ours | ${round(bare.main_thread / ours.main_thread)} | ${round(bare.all_threads / ours.all_threads)} |`);
console.log(`\n${REQUESTS} requests counted after ${WARMUP} uncounted, 4 connections, under valgrind --tool=callgrind.`);
