import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
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
    const raw = request.cookies?.[ADMIN_COOKIE];
    if (!raw) return false;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return false;
    const [user, expires] = unsigned.value.split('|');
    return user === this.settings.admin_user && Number(expires) > Date.now();
  }
}
