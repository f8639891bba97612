import { Injectable } from '@nestjs/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Settings } from '../config/settings';

export const ADMIN_COOKIE = 'channelstream_admin';
const SESSION_SECONDS = 30 * 24 * 3600;

/** Constant-time string equality (hashing first so lengths do not leak). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The admin's signed session cookie (signed with cookie_secret by @fastify/cookie). */
@Injectable()
export class AdminSessionService {
  constructor(private readonly settings: Settings) {}

  credentialsMatch(username: string, password: string): boolean {
    // evaluate both so timing does not tell which one was wrong
    const userOk = safeEqual(username, this.settings.admin_user);
    const passOk = safeEqual(password, this.settings.admin_secret);
    return userOk && passOk;
  }

  signIn(reply: FastifyReply, secure: boolean): void {
    const expires = Date.now() + SESSION_SECONDS * 1000;
    reply.setCookie(ADMIN_COOKIE, `${this.settings.admin_user}|${expires}`, {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: SESSION_SECONDS,
    });
  }

  signOut(reply: FastifyReply): void {
    reply.clearCookie(ADMIN_COOKIE, { path: '/' });
  }

  isSignedIn(request: FastifyRequest): boolean {
    return this.session(request) !== undefined;
  }

  /**
   * The token the panel's forms send back (sign-out): an HMAC of this session's
   * cookie, so another site can neither read nor forge it, and it changes with
   * every sign-in. Undefined without a session.
   */
  csrfToken(request: FastifyRequest): string | undefined {
    const session = this.session(request);
    if (session === undefined) return undefined;
    return createHmac('sha256', this.settings.cookie_secret).update(`csrf|${session}`).digest('base64url');
  }

  csrfTokenMatches(request: FastifyRequest, token: unknown): boolean {
    const expected = this.csrfToken(request);
    return expected !== undefined && typeof token === 'string' && safeEqual(token, expected);
  }

  /** The verified, unexpired session value ("user|expires"), or undefined. */
  private session(request: FastifyRequest): string | undefined {
    const raw = request.cookies?.[ADMIN_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const [user, expires] = unsigned.value.split('|');
    return user === this.settings.admin_user && Number(expires) > Date.now() ? unsigned.value : undefined;
  }
}
