import { describe, expect, it } from '@jest/globals';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Settings } from '../config/settings';
import { HttpPolicy } from './http-policy';

const policy = (overrides: object) => new HttpPolicy(Settings.load({ overrides: { secret: 's', ...overrides } }));

/** A reply that records what was sent. */
function recordingReply() {
  const sent: { status?: number; body?: string } = {};
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    type: () => reply,
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('HttpPolicy', () => {
  it('answers any origin with *, and the same headers object every time', () => {
    const any = policy({});
    expect(any.headersFor('https://a.example')).toMatchObject({ 'access-control-allow-origin': '*', xdomainrequestallowed: '1', 'access-control-max-age': '86400' });
    expect(any.headersFor(undefined)).toBe(any.headersFor('https://b.example'));
  });

  it('echoes a listed origin with Vary, and leaves the origin out for an unlisted one or none', () => {
    const listed = policy({ allow_cors: ['https://app.example'] });
    expect(listed.headersFor('https://app.example')).toMatchObject({ 'access-control-allow-origin': 'https://app.example', vary: 'Origin' });
    for (const origin of ['https://evil.example', undefined]) {
      const headers = listed.headersFor(origin);
      expect(headers['access-control-allow-origin']).toBeUndefined();
      expect(headers.vary).toBeUndefined();
      expect(headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS, PUT, DELETE, PATCH');
    }
  });

  it('refuses plain HTTP with 406 only when enforce_https is on', () => {
    const plain = { protocol: 'http', headers: {} } as FastifyRequest;
    const forwarded = { protocol: 'http', headers: { 'x-forwarded-proto': 'https' } } as unknown as FastifyRequest;
    const off = recordingReply();
    expect(policy({}).refusedPlainHttp(plain, off.reply)).toBe(false);
    expect(off.sent).toEqual({});
    const on = recordingReply();
    expect(policy({ enforce_https: true }).refusedPlainHttp(plain, on.reply)).toBe(true);
    expect(on.sent).toEqual({ status: 406, body: JSON.stringify({ request: 'SSL is required' }) });
    expect(policy({ enforce_https: true }).refusedPlainHttp(forwarded, recordingReply().reply)).toBe(false);
  });
});
