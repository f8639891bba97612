// Starts the built server (dist/main.js) as child processes on free loopback ports.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SECRET = 'bench-secret';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `url` until an answer passes `accept`; throws `failure` after `timeoutMs`. */
async function pollHttp(url, accept, timeoutMs, everyMs, failure) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (accept(res)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(failure);
}

export const waitReady = (url, timeoutMs = 15000) => pollHttp(`${url}/readyz`, (res) => res.ok, timeoutMs, 100, `${url} did not become ready`);

/** Resolves once `url` answers HTTP at all (any status): for a server without /readyz. */
const waitListening = (url, timeoutMs = 30000) => pollHttp(url, () => true, timeoutMs, 200, `${url} did not start listening`);

/** Node flags for the servers under test, from BENCH_NODE_ARGS (e.g. --cpu-prof). */
const nodeArgs = () => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The CPUs servers run on (taskset's list), or null for anywhere. */
let serverCpus = null;
export function pinServersTo(cpus) {
  serverCpus = cpus;
}

/** Starts `file` with `args`, on the servers' CPUs when pinned (taskset execs it: the pid stays the server's). */
function spawnPinned(file, args, options) {
  return serverCpus === null ? spawn(file, args, options) : spawn('taskset', ['-c', serverCpus, file, ...args], options);
}

const spawnNode = (args, options) => spawnPinned(process.execPath, args, options);

/** The environment of a bench node listening on `port`; `env` adds or overrides settings. */
export const nodeEnv = (port, env = {}) => ({
  PATH: process.env.PATH,
  CHANNELSTREAM_PORT: String(port),
  CHANNELSTREAM_HOST: '127.0.0.1',
  CHANNELSTREAM_SECRET: SECRET,
  CHANNELSTREAM_LOG_LEVEL: 'error',
  // the load generator is one address sending far past the default per-address rate limits
  CHANNELSTREAM_CONNECT_RATE: '0',
  CHANNELSTREAM_PUBLISH_RATE: '0',
  ...env,
});

/** One Channelstream node; `env` adds or overrides settings. */
export async function startNode(env = {}) {
  const port = await freePort();
  const child = spawnNode([...nodeArgs(), 'dist/main.js'], { cwd: ROOT, env: nodeEnv(port, env), stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { url, pid: child.pid, stop: () => stop(child) };
}

/** The environment of a baseline script listening on `port`. */
export const scriptEnv = (port, env = {}) => ({ PATH: process.env.PATH, PORT: String(port), ...env });

/** Any script as a server (the bare ws baseline). */
export async function startScript(script, env = {}) {
  const port = await freePort();
  const child = spawnNode([...nodeArgs(), script], { cwd: ROOT, env: scriptEnv(port, env), stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { url, pid: child.pid, stop: () => stop(child) };
}

/**
 * Another Channelstream server started by a shell `command` (the original Python server, run by hand beside the
 * project: README, Performance), configured like our nodes through CHANNELSTREAM_* variables. The command is
 * exec'd, so the pid is the server's own (its CPU is read from /proc).
 */
export async function startCommand(command) {
  const port = await freePort();
  const env = { ...process.env, ...nodeEnv(port), CHANNELSTREAM_LOG_LEVEL: 'ERROR' };
  const child = spawnPinned('sh', ['-c', `exec ${command}`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitListening(url);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { url, pid: child.pid, stop: () => stop(child) };
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
