import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { connect, ok, SECRET, startApp, WsClient, type TestApp } from '../helpers';
import { launchChromium, type LocalBrowser } from './chromium';

// The admin panel in a real browser (Debian's chromium, headless): `npm run test:browser`.
// UPDATE_SCREENSHOT=1 also runs three minutes of traffic and writes docs/admin-panel.png for the README.

const ADMIN = { user: 'boss', password: 'correct-horse-battery' };
const COOKIE_SECRET = 'browser-test-cookie-secret';
const SECRETS = [SECRET, ADMIN.password, COOKIE_SECRET];
const UPDATE_SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1';
const SCREENSHOT = UPDATE_SCREENSHOT ? join(process.cwd(), 'docs', 'admin-panel.png') : join(tmpdir(), 'channelstream-admin-panel.png');

/** Polls until `check` returns true (playwright-core has no expect of its own). */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).innerText();

describe('Admin panel in a browser', () => {
  let t: TestApp;
  let browser: LocalBrowser;
  let page: Page;
  const sockets: WsClient[] = [];
  const bodies: Promise<string>[] = [];
  const consoleErrors: string[] = [];

  const publish = (channel: string, message: unknown, user = 'system') => ok(t, 'POST', '/message', [{ user, channel, message }]);

  beforeAll(async () => {
    t = await startApp({ admin_user: ADMIN.user, admin_secret: ADMIN.password, cookie_secret: COOKIE_SECRET, gc_conns_after: 3600 }, true);
    const lobby = { notify_presence: true, store_history: true, history_size: 20 };
    const alice = await connect(t, 'alice', ['lobby', 'support'], {
      fresh_user_state: { mood: 'happy', avatar: 'a.png', private_note: 'not for the panel' },
      state_public_keys: ['mood', 'avatar'],
      channel_configs: { lobby, support: { store_history: true } },
    });
    const aliceTablet = await connect(t, 'alice', ['lobby']);
    const bob = await connect(t, 'bob', ['lobby'], { fresh_user_state: { mood: 'busy' }, state_public_keys: ['mood'] });
    await connect(t, 'carol', ['ops-alerts'], { channel_configs: { 'ops-alerts': { store_history: true } } });
    for (const conn of [alice, aliceTablet, bob]) sockets.push(await WsClient.connectTo(t, conn.conn_id));
    await publish('lobby', { text: 'Welcome to the lobby', tags: ['greeting'], meta: { pinned: true, priority: 2 } });
    await publish('support', { text: 'Ticket #42 opened' }, 'alice');

    browser = await launchChromium(t.url);
    page = browser.page;
    page.on('response', (response) => {
      if (/^(text\/|application\/json)/.test(response.headers()['content-type'] ?? '')) bodies.push(response.text().catch(() => ''));
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }, 30_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await browser?.close();
    await t?.close();
  });

  it('sends the panel to sign-in, with a clear error for a wrong password', async () => {
    await page.goto(`${t.url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign_in');
    await page.getByLabel('User name').fill(ADMIN.user);
    await page.getByLabel('Password').fill('guess');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toBe('Wrong user name or password.');
    expect(await page.getByLabel('User name').inputValue()).toBe(ADMIN.user);
  });

  it('signs in and shows the server figures', async () => {
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await until(async () => (await figure(page, 'total_connections')) === '4', 'the connection count');
    expect(await figure(page, 'unique_user_count')).toBe('3');
    expect(await figure(page, 'total_channels')).toBe('3');
    expect(await figure(page, 'engine')).toBe('memory');
    expect(await figure(page, 'uptime')).toMatch(/^\d+:\d\d:\d\d$/);
    expect(await page.getByRole('link', { name: 'API explorer' }).getAttribute('href')).toBe('/api-explorer');
  });

  it('updates the figures live after a published message, without reloading', async () => {
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));
    const before = Number(await figure(page, 'total_unique_messages'));
    await publish('lobby', { text: 'Live update check' });
    await until(async () => Number(await figure(page, 'total_unique_messages')) === before + 1, 'the message count to go up');
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('draws messages per second and connections over the last minutes', async () => {
    const charts = page.locator('figure.chart svg[role="img"]');
    await until(async () => (await page.locator('figure.chart path.line').count()) >= 2, 'chart lines', 15_000);
    const labels = await charts.evaluateAll((svgs) => svgs.map((svg) => svg.getAttribute('aria-label')));
    expect(labels[0]).toMatch(/^Messages per second, last \d+ minutes: Published now [\d.]+\/s, peak [\d.]+\/s; Delivered now/);
    expect(labels[1]).toMatch(/^Connections, last \d+ minutes: Open now 4, peak 4\.$/);
  });

  it('filters and sorts channels, then shows a channel with settings, users and readable history', async () => {
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    const rows = page.locator('table tbody tr');
    await until(async () => (await rows.count()) === 3, 'three channel rows');
    await page.getByLabel('Filter by name').fill('OPS');
    await until(async () => (await rows.count()) === 1, 'the filter');
    expect(await rows.first().innerText()).toContain('ops-alerts');
    await page.getByLabel('Filter by name').fill('');
    await page.getByLabel('Sort by').selectOption('connections');
    await until(async () => (await rows.first().locator('th').innerText()) === 'lobby', 'lobby first by connections');
    expect(await rows.allInnerTexts()).toEqual([expect.stringMatching(/^lobby\t3\t2\t2\t/), expect.stringMatching(/^ops-alerts\t1\t1\t0\t/), expect.stringMatching(/^support\t1\t1\t1\t/)]);

    await page.getByRole('link', { name: 'lobby', exact: true }).click();
    await page.getByRole('heading', { name: 'Channel lobby' }).waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await until(async () => (await history.locator('li').count()) === 2, 'two history entries');
    const newest = await history.locator('li').first().innerText();
    expect(newest).toContain('"text": "Live update check"');
    const oldest = await history.locator('li').last().innerText();
    expect(oldest).toContain('"tags": [\n    "greeting"\n  ]');
    expect(oldest).toContain('"pinned": true');
    const users = page.getByRole('region', { name: 'Users' });
    const aliceRow = await users.locator('tr', { hasText: 'alice' }).innerText();
    expect(aliceRow).toContain('"mood": "happy"');
    expect(aliceRow).not.toContain('private_note');
    expect(await page.getByRole('region', { name: 'Settings' }).innerText()).toMatch(/Notify presence\s+yes[\s\S]*History size\s+20/);
    expect(await page.getByRole('region', { name: 'Summary' }).innerText()).toMatch(/Last active\s+(just now|\d+ s ago)/);
  });

  it('lists users with their connections, channels and public state', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    const alice = page.locator('table tbody tr', { hasText: 'alice' });
    await alice.waitFor();
    expect(await alice.innerText()).toMatch(/^alice\t2\tlobby, support\t/);
    await page.getByLabel('Filter by name').fill('car');
    await until(async () => (await page.locator('table tbody tr').count()) === 1, 'the user filter');
    await page.getByRole('link', { name: 'ops-alerts' }).click();
    await page.getByRole('heading', { name: 'Channel ops-alerts' }).waitFor();
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(`${t.url}/admin#/`);
    await page.reload(); // a fresh document: focus starts at the top
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Skip to content');
    const tabOrder: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      tabOrder.push(((await focused.textContent()) ?? '').trim());
    }
    expect(tabOrder).toEqual(['Channelstream admin', 'Overview', 'Channels', 'Users', 'API explorer', 'Sign out']);
    // Enter on "Channels" opens the view and moves focus to its heading
    await page.getByRole('link', { name: 'Channels', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    expect(await page.locator('h2:focus').textContent()).toBe('Channels');
    expect(await page.getByRole('link', { name: 'Channels', exact: true }).getAttribute('aria-current')).toBe('page');
  });

  it('passes the axe accessibility checks (WCAG 2.1 AA) on every view, light and dark', async () => {
    const axeSource = readFileSync(createRequire(join(process.cwd(), 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');
    const check = async (where: string) => {
      await page.evaluate(axeSource); // evaluated through the debugger protocol: the page's CSP stays strict
      const { violations, passed } = await page.evaluate(async () => {
        type Axe = { run: (context: unknown, options: object) => Promise<{ passes: unknown[]; violations: { id: string; nodes: { target: string[] }[] }[] }> };
        const { axe, document } = globalThis as unknown as { axe: Axe; document: unknown };
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return { passed: result.passes.length, violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`) };
      });
      expect({ where, violations }).toEqual({ where, violations: [] });
      expect(passed).toBeGreaterThan(10); // the rules did run (contrast, labels, landmarks, …)
    };
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [hash, heading] of [['#/', 'Overview'], ['#/channels', 'Channels'], ['#/channels/lobby', 'Channel lobby'], ['#/users', 'Users']]) {
        await page.goto(`${t.url}/admin${hash}`);
        await page.getByRole('heading', { name: heading }).waitFor();
        await until(async () => !(await page.locator('#updated').innerText()).includes('not updated'), 'the first update');
        await check(`${heading} (${scheme})`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('takes a screenshot of the panel for the README', async () => {
    if (UPDATE_SCREENSHOT) await runTraffic(170_000);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${t.url}/admin#/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await until(async () => (await page.locator('figure.chart path.line').count()) >= 2, 'chart lines');
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  }, 240_000);

  it('refuses a sign-in or sign-out that another site sends', async () => {
    // another origin (localhost instead of 127.0.0.1), answered by the browser itself: nothing leaves the machine
    const evil = t.url.replace('127.0.0.1', 'localhost');
    await browser.context.route(`${evil}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>evil</title><form method="post" action="${t.url}/admin/sign_out"><button>go</button></form>
<form method="post" action="${t.url}/admin/sign_in"><input name="username" value="${ADMIN.user}"><input name="password" value="x"><button>in</button></form>`,
      }),
    );
    await page.goto(`${evil}/page`);
    await page.getByRole('button', { name: 'go' }).click();
    await page.getByText('Sign-out refused').waitFor();
    await page.goto(`${evil}/page`);
    await page.getByRole('button', { name: 'in' }).click();
    await page.getByText('Sign-in refused').waitFor();
    // still signed in
    await page.goto(`${t.url}/admin`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('signs out and is locked out of the panel, its data and the API explorer', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/sign_in');
    const cookies = await browser.context.cookies(t.url);
    expect(cookies.find((c) => c.name === 'channelstream_admin')).toBeUndefined();
    for (const path of ['/admin', '/admin#/channels/lobby', '/api-explorer']) {
      await page.goto(`${t.url}${path}`);
      expect(new URL(page.url()).pathname).toBe('/admin/sign_in');
    }
    expect((await page.request.get(`${t.url}/admin/admin.json`)).status()).toBe(403);
    expect((await page.request.get(`${t.url}/admin/load.json`)).status()).toBe(403);
    expect((await page.request.get(`${t.url}/admin/assets/panel.js`)).status()).toBe(401);
  });

  it('loaded nothing from outside, raised no script or CSP error, and never received a secret', async () => {
    expect(browser.refused.filter((url) => !url.startsWith('http://localhost'))).toEqual([]);
    expect(consoleErrors.filter((text) => !/status of 40[13]/.test(text))).toEqual([]);
    const texts = await Promise.all(bodies);
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  /** A few minutes of changing load (publishing at a varying rate, users coming and going), so the chart has a shape. */
  async function runTraffic(ms: number): Promise<void> {
    const started = Date.now();
    const guests: string[] = [];
    const rooms = ['lobby', 'support', 'game-42', 'random'];
    for (let tick = 0; Date.now() - started < ms; tick++) {
      const rate = Math.max(1, Math.round(8 + 6 * Math.sin(tick / 20) + (tick % 37 === 0 ? 12 : 0)));
      await ok(t, 'POST', '/message', Array.from({ length: rate }, (_, i) => ({ user: 'bot', channel: rooms[i % 3 ? 0 : (tick + i) % rooms.length], message: { text: `tick ${tick}.${i}` } })));
      if (tick % 9 === 0 && guests.length < 12) guests.push((await connect(t, `guest-${tick}`, [rooms[tick % rooms.length]])).conn_id);
      else if (tick % 23 === 0 && guests.length) await ok(t, 'POST', '/disconnect', { conn_id: guests.shift() });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
});
