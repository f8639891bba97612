import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ChannelstreamBackend } from '../../packages/server-sdk/src/index.js';
import { api, SECRET, startApp, uniq, type TestApp } from '../helpers';
import { ClientProbe } from './client-probe';

/** The demo serves the client package's build, as `npm run build` makes it. */
function buildClientPackage(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/client/tsconfig.build.json'], { stdio: 'pipe' });
}

const post = (t: TestApp, path: string, body: unknown) => api(t, 'POST', `/demo/api/${path}`, body, { signed: false });
const get = (t: TestApp, path: string) => api(t, 'GET', path, undefined, { signed: false });

async function join(t: TestApp, username: string, channel: string) {
  const res = await post(t, 'join', { username, channel });
  if (res.status !== 200) throw new Error(`join ${res.status} ${res.text}`);
  return res.body as { conn_id: string; user: string; channel: string; history: any[]; users: { user: string; state: object }[] };
}

describe('demo off (the default)', () => {
  it('has no /demo routes', async () => {
    const t = await startApp();
    try {
      expect((await get(t, '/demo')).status).toBe(404);
      expect((await post(t, 'join', { username: 'a', channel: 'b' })).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('demo = true', () => {
  let t: TestApp;
  const probes: ClientProbe[] = [];
  const listen = async (connId: string) => {
    const probe = ClientProbe.start(t, connId);
    probes.push(probe);
    await probe.untilState('open');
    return probe;
  };

  beforeAll(async () => {
    buildClientPackage();
    t = await startApp({ demo: true }, true);
  }, 60_000);
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });
  afterAll(() => t.close());

  describe('the page', () => {
    it('serves the chat page and its script, which imports the client from this server only', async () => {
      const page = await get(t, '/demo');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<script type="module" src="/demo/app.js"></script>');
      const script = await get(t, '/demo/app.js');
      expect(script.headers['content-type']).toMatch(/^text\/javascript/);
      expect(script.text).toContain("import { ChannelstreamClient } from '/demo/client/index.js';");
      for (const text of [page.text, script.text]) expect(text).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    });

    it('serves every module of the client package, built for browsers (no Node built-ins)', async () => {
      const seen = new Set<string>();
      const queue = ['index.js'];
      while (queue.length > 0) {
        const path = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const res = await get(t, `/demo/client/${path}`);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, 'text/javascript; charset=utf-8']);
        const code = res.text.replace(/\/\*[\s\S]*?\*\//g, ''); // comments may name what the code avoids
        expect(code).not.toMatch(/from ['"]node:|\brequire\(|\bBuffer\b|\bprocess\./);
        const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
        for (const [, spec] of res.text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) queue.push(new URL(spec!, `http://x/${dir}`).pathname.slice(1));
      }
      expect(seen.size).toBeGreaterThan(10);
      expect([...seen]).toContain('transports/websocket-transport.js');
    });

    it.each(['index.d.ts', '..%2Fpackage.json', 'nope.js', 'transports/..%2F..%2Fpackage.json'])('answers 404 for /demo/client/%s', async (path) => {
      expect((await get(t, `/demo/client/${path}`)).status).toBe(404);
    });
  });

  describe('the chat, through the demo routes and the client package', () => {
    it('shows history, presence, edits, deletions and user state', async () => {
      const room = uniq('room');
      const alice = await join(t, uniq('alice'), room);
      expect(alice.channel).toBe(`demo:${room}`);
      expect(alice.user).toMatch(/^demo:alice-/);
      expect(alice.users).toEqual([{ user: alice.user, state: { status: 'online' } }]);
      const watching = await listen(alice.conn_id);

      const bob = await join(t, uniq('bob'), room);
      const [joined] = await watching.nextEvents(1, 0);
      expect(joined).toMatchObject({ type: 'presence', user: bob.user, message: { action: 'joined' } });
      expect((joined as any).users.map((u: { user: string }) => u.user).sort()).toEqual([alice.user, bob.user].sort());

      const said = await post(t, 'say', { conn_id: bob.conn_id, channel: room, text: 'hello' });
      expect(said.status).toBe(200);
      const [message] = await watching.nextEvents(1, 1);
      expect(message).toMatchObject({ type: 'message', uuid: said.body.uuid, user: bob.user, message: { text: 'hello' } });

      expect((await post(t, 'edit', { conn_id: bob.conn_id, channel: room, uuid: said.body.uuid, text: 'hello!' })).status).toBe(200);
      const [edit] = await watching.nextEvents(1, 2);
      expect(edit).toMatchObject({ type: 'message:edit', uuid: said.body.uuid, message: { text: 'hello!' } });

      const kept = await post(t, 'say', { conn_id: alice.conn_id, channel: room, text: 'stays' });
      await watching.nextEvents(1, 3);
      expect((await post(t, 'delete', { conn_id: bob.conn_id, channel: room, uuid: said.body.uuid })).status).toBe(200);
      const [deletion] = await watching.nextEvents(1, 4);
      expect(deletion).toMatchObject({ type: 'message:delete', uuid: said.body.uuid });

      expect((await post(t, 'state', { conn_id: bob.conn_id, status: 'away' })).status).toBe(200);
      const [state] = await watching.nextEvents(1, 5);
      expect(state).toMatchObject({ type: 'user_state_change', user: bob.user, message: { state: { status: 'away' } } });

      const carol = await join(t, uniq('carol'), room);
      expect(carol.history.map((m) => [m.user, m.message])).toEqual([[alice.user, { text: 'stays' }]]);
      expect(carol.history[0]).toEqual({ uuid: kept.body.uuid, user: alice.user, timestamp: expect.any(String), message: { text: 'stays' }, edited: null });
      expect(carol.users).toContainEqual({ user: bob.user, state: { status: 'away' } });
    });

    it('lets visitors change only their own messages', async () => {
      const room = uniq('room');
      const alice = await join(t, uniq('alice'), room);
      const bob = await join(t, uniq('bob'), room);
      const said = await post(t, 'say', { conn_id: alice.conn_id, channel: room, text: 'mine' });
      const edit = await post(t, 'edit', { conn_id: bob.conn_id, channel: room, uuid: said.body.uuid, text: 'yours now' });
      expect([edit.status, edit.body]).toEqual([422, { uuid: ['Not your message'] }]);
      const remove = await post(t, 'delete', { conn_id: bob.conn_id, channel: room, uuid: said.body.uuid });
      expect([remove.status, remove.body]).toEqual([422, { uuid: ['Not your message'] }]);
    });

    it('never touches users or channels outside the demo prefix', async () => {
      const backend = new ChannelstreamBackend({ url: t.url, secret: SECRET });
      const name = uniq('real');
      await backend.connect({ username: name, channels: [name], fresh_user_state: { status: 'online' } });
      const visitor = await join(t, name, name);
      expect(await post(t, 'state', { conn_id: visitor.conn_id, status: 'busy' })).toMatchObject({ status: 200 });
      const info = await backend.info({ channels: [name, `demo:${name}`] });
      expect(info.users).toContainEqual({ user: name, state: { status: 'online' } });
      expect(info.users).toContainEqual({ user: `demo:${name}`, state: { status: 'busy' } });
      expect(info.channels[name]!.users).toEqual([name]);
      expect(info.channels[`demo:${name}`]!.users).toEqual([`demo:${name}`]);
    });
  });

  describe('bad input: 422 naming the field', () => {
    let member: { conn_id: string; channel: string };
    const room = uniq('room');
    beforeAll(async () => {
      member = await join(t, uniq('eve'), room);
    });
    const UNKNOWN_CONN = '00000000-0000-4000-8000-000000000000';
    const UNKNOWN_UUID = '11111111-1111-4111-8111-111111111111';

    const cases: [string, string, () => unknown, Record<string, string[]> | string[]][] = [
      ['join', 'nothing', () => ({}), ['channel', 'username']],
      ['join', 'a name with a space', () => ({ username: 'a b', channel: 'x' }), { username: ['Only letters, digits, _ . and - are allowed.'] }],
      ['join', 'a name too long', () => ({ username: 'x'.repeat(33), channel: 'x' }), { username: ['Length must be between 1 and 32.'] }],
      ['join', 'a channel with a slash', () => ({ username: 'x', channel: 'a/b' }), ['channel']],
      ['join', 'a number as name', () => ({ username: 5, channel: 'x' }), ['username']],
      ['join', 'an unknown field', () => ({ username: 'x', channel: 'y', admin: true }), { admin: ['Unknown field.'] }],
      ['join', 'a bad conn_id', () => ({ username: 'x', channel: 'y', conn_id: 'nope' }), { conn_id: ['Not a valid UUID.'] }],
      ['join', 'a list body', () => [], { _schema: ['Invalid input type.'] }],
      ['say', 'no text', () => ({ conn_id: member.conn_id, channel: room }), { text: ['Missing data for required field.'] }],
      ['say', 'empty text', () => ({ conn_id: member.conn_id, channel: room, text: '' }), { text: ['Length must be between 1 and 500.'] }],
      ['say', 'text too long', () => ({ conn_id: member.conn_id, channel: room, text: 'x'.repeat(501) }), { text: ['Length must be between 1 and 500.'] }],
      ['say', 'an unknown connection', () => ({ conn_id: UNKNOWN_CONN, channel: room, text: 'hi' }), { conn_id: ['Unknown connection: join again'] }],
      ['say', 'a channel not joined', () => ({ conn_id: member.conn_id, channel: 'elsewhere', text: 'hi' }), { channel: ['Not joined: join this channel first'] }],
      ['edit', 'no uuid', () => ({ conn_id: member.conn_id, channel: room, text: 'x' }), { uuid: ['Missing data for required field.'] }],
      ['edit', 'an unknown message', () => ({ conn_id: member.conn_id, channel: room, text: 'x', uuid: UNKNOWN_UUID }), ['uuid']],
      ['delete', 'a bad uuid', () => ({ conn_id: member.conn_id, channel: room, uuid: 'x' }), { uuid: ['Not a valid UUID.'] }],
      ['state', 'an unknown status', () => ({ conn_id: member.conn_id, status: 'asleep' }), { status: ['Must be one of: online, away, busy.'] }],
      ['state', 'no conn_id', () => ({ status: 'away' }), { conn_id: ['Missing data for required field.'] }],
    ];

    it.each(cases)('/demo/api/%s with %s', async (path, _, body, expected) => {
      const res = await post(t, path, body());
      expect(res.status).toBe(422);
      if (Array.isArray(expected)) expect(Object.keys(res.body).sort()).toEqual(expected);
      else expect(res.body).toEqual(expected);
    });

    it('a body that is not JSON', async () => {
      const res = await api(t, 'POST', '/demo/api/join', undefined, { signed: false, raw: '{oops', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(422);
      expect(Object.keys(res.body)).toEqual(['_schema']);
    });
  });
});
