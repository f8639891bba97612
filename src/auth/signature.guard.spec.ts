import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, type ExecutionContext } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { ClientAddress } from '../common/client-address';
import { RejectionsService } from '../common/rejections.service';
import { MemoryEngine } from '../engine/memory/memory-engine';
import { Settings } from '../config/settings';
import type { SettingValues } from '../config/settings-schema';
import { SIGNATURE_HEADER, SignatureGuard } from './signature.guard';
import { STRICT_HEADERS, strictSignature } from './strict-signature';
import { TimestampSigner } from './timestamp-signer';

const SECRET = 'test-secret';
const NOW_S = Math.floor(Date.UTC(2026, 0, 1) / 1000);

interface FakeRequest {
  ip: string;
  headers: Record<string, string | undefined>;
  query: Record<string, unknown>;
}

const contextFor = (request: FakeRequest): ExecutionContext =>
  ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

const guardWith = (overrides: Partial<SettingValues> = {}) => {
  const settings = Settings.load({ overrides: { secret: SECRET, allow_posting_from: ['127.0.0.1'], ...overrides } });
  return new SignatureGuard(settings, new RejectionsService(), new MemoryEngine(), new ClientAddress(settings));
};

const tokenAt = (unixSeconds: number, secret = SECRET) => new TimestampSigner(secret).sign('channelstream', unixSeconds);

const request = (fields: Partial<FakeRequest> = {}): FakeRequest => ({
  ip: '127.0.0.1',
  headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S) },
  query: {},
  ...fields,
});

/** The ApiError the guard throws (fails the test when it lets the request through). */
function refusal(guard: SignatureGuard, req: FakeRequest): ApiError {
  try {
    guard.canActivate(contextFor(req));
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the guard to refuse the request');
}

describe(SignatureGuard.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW_S * 1000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('lets an allowed address with a valid token through', () => {
    expect(guardWith().canActivate(contextFor(request()))).toBe(true);
  });

  it('refuses an address not in allow_posting_from with 403', () => {
    const error = refusal(guardWith(), request({ ip: '10.0.0.5' }));
    expect(error.status).toBe(403);
    expect(error.body).toEqual({ request: 'Address not allowed' });
  });

  it('refuses a request without an address with 403', () => {
    const error = refusal(guardWith(), request({ ip: undefined as unknown as string }));
    expect(error.status).toBe(403);
  });

  it('checks the address before the token', () => {
    const error = refusal(guardWith(), request({ ip: '10.0.0.5', headers: { [SIGNATURE_HEADER]: 'garbage' } }));
    expect(error.status).toBe(403);
  });

  it('lets an address inside a CIDR entry through and refuses one outside it', () => {
    const guard = guardWith({ allow_posting_from: ['10.1.0.0/16'] });
    expect(guard.canActivate(contextFor(request({ ip: '10.1.200.7' })))).toBe(true);
    expect(refusal(guard, request({ ip: '10.2.0.1' })).status).toBe(403);
  });

  it('lets an IPv4-mapped IPv6 address match its IPv4 entry', () => {
    expect(guardWith().canActivate(contextFor(request({ ip: '::ffff:127.0.0.1' })))).toBe(true);
  });

  it('lets any address through when 0.0.0.0 is listed', () => {
    const guard = guardWith({ allow_posting_from: ['0.0.0.0'] });
    expect(guard.canActivate(contextFor(request({ ip: '203.0.113.9' })))).toBe(true);
    expect(guard.canActivate(contextFor(request({ ip: '2001:db8::1' })))).toBe(true);
  });

  it('refuses a request without a token with 403', () => {
    const error = refusal(guardWith(), request({ headers: {} }));
    expect(error.status).toBe(403);
    expect(error.body).toEqual({ request: 'Missing signature' });
  });

  it('refuses an empty token header with 403', () => {
    const error = refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: '' } }));
    expect(error.status).toBe(403);
    expect(error.body).toEqual({ request: 'Missing signature' });
  });

  it('refuses an empty secret query parameter with 403', () => {
    expect(refusal(guardWith(), request({ headers: {}, query: { secret: '' } })).status).toBe(403);
  });

  it('accepts the token in the secret query parameter', () => {
    expect(guardWith().canActivate(contextFor(request({ headers: {}, query: { secret: tokenAt(NOW_S) } })))).toBe(true);
  });

  it('prefers the header over the query parameter', () => {
    const req = request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S, 'other') }, query: { secret: tokenAt(NOW_S) } });
    expect(refusal(guardWith(), req).status).toBe(401);
  });

  it('refuses a token signed with another secret with 401 Bad Signature', () => {
    const error = refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S, 'other-secret') } }));
    expect(error.status).toBe(401);
    expect(error.body).toEqual({ request: 'Bad Signature' });
  });

  it('refuses a malformed token with 401 Bad Signature', () => {
    for (const token of ['garbage', 'channelstream.xx.yy', 'a.b']) {
      const error = refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: token } }));
      expect(error.status).toBe(401);
      expect(error.body).toEqual({ request: 'Bad Signature' });
    }
  });

  it('refuses a tampered token with 401', () => {
    const token = tokenAt(NOW_S).replace(/^channelstream/, 'channelstreaM');
    expect(refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: token } })).status).toBe(401);
  });

  it('accepts a token exactly 60 s old', () => {
    const token = tokenAt(NOW_S);
    jest.setSystemTime((NOW_S + 60) * 1000 + 999);
    expect(guardWith().canActivate(contextFor(request({ headers: { [SIGNATURE_HEADER]: token } })))).toBe(true);
  });

  it('refuses a token 61 s old with 401 Bad Signature', () => {
    const token = tokenAt(NOW_S);
    jest.setSystemTime((NOW_S + 61) * 1000);
    const error = refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: token } }));
    expect(error.status).toBe(401);
    expect(error.body).toEqual({ request: 'Bad Signature' });
  });

  it('refuses a token from the future with 401', () => {
    expect(refusal(guardWith(), request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S + 5) } })).status).toBe(401);
  });

  it('accepts an old token when validate_requests is false', () => {
    const guard = guardWith({ validate_requests: false });
    const token = tokenAt(NOW_S - 7 * 24 * 3600);
    expect(guard.canActivate(contextFor(request({ headers: { [SIGNATURE_HEADER]: token } })))).toBe(true);
  });

  it('still refuses a bad signature when validate_requests is false', () => {
    const guard = guardWith({ validate_requests: false });
    expect(refusal(guard, request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S, 'other') } })).status).toBe(401);
  });
});

describe(`${SignatureGuard.name} key rotation (legacy)`, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('accepts the previous secret until previous_secret_expires, then refuses it', () => {
    jest.useFakeTimers({ now: NOW_S * 1000 });
    const guard = guardWith({ previous_secret: 'old-secret', previous_secret_expires: new Date((NOW_S + 30) * 1000).toISOString() });
    expect(guard.canActivate(contextFor(request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S, 'old-secret') } })))).toBe(true);
    expect(guard.canActivate(contextFor(request()))).toBe(true);
    jest.setSystemTime((NOW_S + 31) * 1000);
    const token = tokenAt(NOW_S + 31, 'old-secret');
    expect(refusal(guard, request({ headers: { [SIGNATURE_HEADER]: token } })).status).toBe(401);
    expect(guard.canActivate(contextFor(request({ headers: { [SIGNATURE_HEADER]: tokenAt(NOW_S + 31) } })))).toBe(true);
  });

  it('forgets a cached previous-secret token when the previous secret expires', () => {
    jest.useFakeTimers({ now: NOW_S * 1000 });
    const guard = guardWith({ previous_secret: 'old-secret', previous_secret_expires: new Date((NOW_S + 10) * 1000).toISOString() });
    const token = tokenAt(NOW_S, 'old-secret');
    expect(guard.canActivate(contextFor(request({ headers: { [SIGNATURE_HEADER]: token } })))).toBe(true);
    jest.setSystemTime((NOW_S + 11) * 1000);
    expect(refusal(guard, request({ headers: { [SIGNATURE_HEADER]: token } })).status).toBe(401);
  });
});

describe(`${SignatureGuard.name} in strict mode`, () => {
  const strictRequest = (fields: { method?: string; url?: string; body?: string; at?: number; nonce?: string; secret?: string } = {}) => {
    const { method = 'POST', url = '/message', body = '[]', at = NOW_S, nonce = `nonce-${Math.random().toString(36).slice(2)}-xyz`, secret = SECRET } = fields;
    const signed = { method, path: url, timestamp: String(at), nonce, body };
    return {
      ip: '127.0.0.1',
      method,
      url,
      rawBodyText: body,
      query: {},
      headers: {
        [STRICT_HEADERS.signature]: strictSignature(secret, signed),
        [STRICT_HEADERS.timestamp]: String(at),
        [STRICT_HEADERS.nonce]: nonce,
      } as Record<string, string | undefined>,
    };
  };
  const strictGuard = (overrides: Partial<SettingValues> = {}) => guardWith({ signature_mode: 'strict', ...overrides });
  const strictRefusal = async (guard: SignatureGuard, req: object): Promise<ApiError> => {
    try {
      await guard.canActivate(contextFor(req as FakeRequest));
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      return err as ApiError;
    }
    throw new Error('expected the guard to refuse the request');
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW_S * 1000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('accepts a request signed over its method, path, timestamp, nonce and body', async () => {
    await expect(strictGuard().canActivate(contextFor(strictRequest() as unknown as FakeRequest))).resolves.toBe(true);
  });

  it('refuses a legacy token with 403 (no strict signature)', async () => {
    const error = await strictRefusal(strictGuard(), request());
    expect(error.status).toBe(403);
  });

  it.each([
    ['another body', { rawBodyText: '[{"user":"x"}]' }],
    ['another path', { url: '/connect' }],
    ['another method', { method: 'PATCH' }],
  ])('refuses a signature replayed with %s: 401 bad-signature', async (_, change) => {
    const error = await strictRefusal(strictGuard(), { ...strictRequest(), ...change });
    expect(error.status).toBe(401);
    expect(error.body).toEqual({ request: 'Bad Signature', reason: 'bad-signature' });
  });

  it('refuses a nonce used twice: 401 replayed', async () => {
    const guard = strictGuard();
    const req = strictRequest();
    await guard.canActivate(contextFor(req as unknown as FakeRequest));
    expect((await strictRefusal(guard, req)).body).toEqual({ request: 'Bad Signature', reason: 'replayed' });
  });

  it('refuses a timestamp outside signature_max_age either way: 401 expired', async () => {
    const guard = strictGuard({ signature_max_age: 30 });
    expect((await strictRefusal(guard, strictRequest({ at: NOW_S - 31 }))).body).toEqual({ request: 'Bad Signature', reason: 'expired' });
    expect((await strictRefusal(guard, strictRequest({ at: NOW_S + 31 }))).body).toEqual({ request: 'Bad Signature', reason: 'expired' });
    await expect(guard.canActivate(contextFor(strictRequest({ at: NOW_S - 30 }) as unknown as FakeRequest))).resolves.toBe(true);
  });

  it('refuses malformed headers: 401 malformed', async () => {
    const req = strictRequest();
    req.headers[STRICT_HEADERS.nonce] = 'short';
    expect((await strictRefusal(strictGuard(), req)).body).toEqual({ request: 'Bad Signature', reason: 'malformed' });
  });

  it('accepts the previous secret until it expires (key rotation)', async () => {
    const guard = strictGuard({ previous_secret: 'old-secret', previous_secret_expires: new Date((NOW_S + 5) * 1000).toISOString() });
    await expect(guard.canActivate(contextFor(strictRequest({ secret: 'old-secret' }) as unknown as FakeRequest))).resolves.toBe(true);
    jest.setSystemTime((NOW_S + 6) * 1000);
    expect((await strictRefusal(guard, strictRequest({ secret: 'old-secret', at: NOW_S + 6 }))).status).toBe(401);
    await expect(guard.canActivate(contextFor(strictRequest({ at: NOW_S + 6 }) as unknown as FakeRequest))).resolves.toBe(true);
  });
});
