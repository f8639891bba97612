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

export async function waitReady(url, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

/** Node flags for the servers under test, from BENCH_NODE_ARGS (e.g. --cpu-prof). */
const nodeArgs = () => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The CPUs servers run on (taskset's list), or null for anywhere. */
let serverCpus = null;
export function pinServersTo(cpus) {
  serverCpus = cpus;
}

/** Starts node with `args`, on the servers' CPUs when pinned (taskset execs node: the pid stays the server's). */
function spawnNode(args, options) {
  return serverCpus === null ? spawn(process.execPath, args, options) : spawn('taskset', ['-c', serverCpus, process.execPath, ...args], options);
}

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

/** Resolves once `url` answers HTTP at all (any status): for a server without /readyz. */
async function waitListening(url, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not start listening`);
}

/**
 * Another Channelstream server started by a shell `command` (the original Python server, run by hand beside the
 * project: README, Performance), configured like our nodes through CHANNELSTREAM_* variables. The command is
 * exec'd, so the pid is the server's own (its CPU is read from /proc).
 */
export async function startCommand(command) {
  const port = await freePort();
  const env = { ...process.env, ...nodeEnv(port), CHANNELSTREAM_LOG_LEVEL: 'ERROR' };
  const args = ['-c', `exec ${command}`];
  const child = serverCpus === null ? spawn('sh', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }) : spawn('taskset', ['-c', serverCpus, 'sh', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
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
