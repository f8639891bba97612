import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { SECRET, startApp, type TestApp } from '../helpers';

const PYTHON = 'python3';
const EXAMPLE = 'examples/python/backend.py';

/** Debian's python3-requests and python3-itsdangerous; reported as skipped (never silently passed) without them. */
const pythonReady = spawnSync(PYTHON, ['-c', 'import requests, itsdangerous'], { stdio: 'ignore' }).status === 0;
const itWithPython = pythonReady ? it : it.skip;

describe('examples/python/backend.py', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({}, true);
  });
  afterAll(() => t.close());

  itWithPython('makes every call against the real server', async () => {
    // asynchronous: the server under test answers from this same process
    const { stdout } = await promisify(execFile)(PYTHON, [EXAMPLE, '--url', t.url, '--secret', SECRET], { timeout: 15_000 });
    expect(stdout).toContain('all calls worked');
    expect(stdout).toMatch(/422 as expected: \{'username': \[/);
  });

  itWithPython('fails loudly with a wrong secret', async () => {
    const run = promisify(execFile)(PYTHON, [EXAMPLE, '--url', t.url, '--secret', 'wrong'], { timeout: 15_000 });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('answered 401') });
  });
});
