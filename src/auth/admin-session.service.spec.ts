import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Settings } from '../config/settings';
import { ADMIN_COOKIE, AdminSessionService, safeEqual } from './admin-session.service';

const T0 = Date.UTC(2026, 0, 1);

describe('safeEqual', () => {
  it('is true for equal strings', () => {
    expect(safeEqual('s3cret', 's3cret')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('żółw ✓', 'żółw ✓')).toBe(true);
  });

  it('is false for different strings of the same length', () => {
    expect(safeEqual('s3cret', 's3creT')).toBe(false);
  });

  it('is false (and does not throw) for strings of different lengths', () => {
    expect(safeEqual('s3cret', 's3cret!')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });
});

describe(AdminSessionService.name, () => {
  const service = new AdminSessionService(
    Settings.load({ overrides: { admin_user: 'root', admin_secret: 'hunter2', cookie_secret: 'c'.repeat(32) } }),
  );

  describe('credentialsMatch', () => {
    it('accepts the configured user and password', () => {
      expect(service.credentialsMatch('root', 'hunter2')).toBe(true);
    });

    it('refuses a wrong user name', () => {
      expect(service.credentialsMatch('admin', 'hunter2')).toBe(false);
    });

    it('refuses a wrong password', () => {
      expect(service.credentialsMatch('root', 'hunter3')).toBe(false);
      expect(service.credentialsMatch('root', 'hunter2 ')).toBe(false);
    });

    it('refuses empty credentials', () => {
      expect(service.credentialsMatch('', '')).toBe(false);
      expect(service.credentialsMatch('root', '')).toBe(false);
      expect(service.credentialsMatch('', 'hunter2')).toBe(false);
    });

    it('is case sensitive', () => {
      expect(service.credentialsMatch('ROOT', 'hunter2')).toBe(false);
      expect(service.credentialsMatch('root', 'HUNTER2')).toBe(false);
    });
  });

  describe('session cookie', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: T0 });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    /** A request whose cookie "unsigns" to `value` (valid) or fails verification. */
    const requestWith = (value: string | undefined, valid = true) =>
      ({
        cookies: value === undefined ? {} : { [ADMIN_COOKIE]: `signed:${value}` },
        unsignCookie: (raw: string) => ({ valid, renew: false, value: valid ? raw.replace(/^signed:/, '') : null }),
      }) as unknown as FastifyRequest;

    it('signs in with a signed, http-only, strict cookie naming the admin and an expiry', () => {
      const setCookie = jest.fn();
      service.signIn({ setCookie } as unknown as FastifyReply, true);
      expect(setCookie).toHaveBeenCalledWith(
        ADMIN_COOKIE,
        `root|${T0 + 30 * 24 * 3600 * 1000}`,
        expect.objectContaining({ signed: true, httpOnly: true, sameSite: 'strict', secure: true, path: '/' }),
      );
    });

    it('signs out by clearing the cookie', () => {
      const clearCookie = jest.fn();
      service.signOut({ clearCookie } as unknown as FastifyReply);
      expect(clearCookie).toHaveBeenCalledWith(ADMIN_COOKIE, { path: '/' });
    });

    it('recognises a valid, unexpired cookie for the admin', () => {
      expect(service.isSignedIn(requestWith(`root|${T0 + 1000}`))).toBe(true);
    });

    it('refuses a missing cookie', () => {
      expect(service.isSignedIn(requestWith(undefined))).toBe(false);
    });

    it('refuses a cookie whose signature does not verify', () => {
      expect(service.isSignedIn(requestWith(`root|${T0 + 1000}`, false))).toBe(false);
    });

    it('refuses an expired cookie', () => {
      expect(service.isSignedIn(requestWith(`root|${T0}`))).toBe(false);
    });

    it('refuses a cookie for another user', () => {
      expect(service.isSignedIn(requestWith(`mallory|${T0 + 1000}`))).toBe(false);
    });
  });

  describe('CSRF token', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: T0 });
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    const session = (value: string, valid = true) =>
      ({
        cookies: { [ADMIN_COOKIE]: value },
        unsignCookie: (raw: string) => ({ valid, renew: false, value: valid ? raw : null }),
      }) as unknown as FastifyRequest;

    it('is derived from the session: stable for it, different for another sign-in', () => {
      const token = service.csrfToken(session(`root|${T0 + 1000}`));
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(service.csrfToken(session(`root|${T0 + 1000}`))).toBe(token);
      expect(service.csrfToken(session(`root|${T0 + 2000}`))).not.toBe(token);
    });

    it('does not exist without a valid session', () => {
      expect(service.csrfToken(session(`root|${T0 + 1000}`, false))).toBeUndefined();
      expect(service.csrfToken(session(`root|${T0 - 1}`))).toBeUndefined();
    });

    it('matches only the token of the same session', () => {
      const request = session(`root|${T0 + 1000}`);
      expect(service.csrfTokenMatches(request, service.csrfToken(request))).toBe(true);
      expect(service.csrfTokenMatches(request, service.csrfToken(session(`root|${T0 + 2000}`)))).toBe(false);
      expect(service.csrfTokenMatches(request, '')).toBe(false);
      expect(service.csrfTokenMatches(request, undefined)).toBe(false);
      expect(service.csrfTokenMatches(session(`root|${T0 + 1000}`, false), service.csrfToken(request))).toBe(false);
    });
  });
});
