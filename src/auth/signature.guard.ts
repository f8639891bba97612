import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Settings } from '../config/settings';
import { ApiError } from '../common/api-error';
import { AddressAllowlist } from './address-allowlist';
import { TimestampSigner } from './timestamp-signer';
import { VerifiedTokens } from './verified-tokens';

export const SIGNATURE_HEADER = 'x-channelstream-secret';
const MAX_AGE_SECONDS = 60;

/**
 * Backend calls: the caller's address must be allowed (403), a token must be
 * given (403) and it must verify as an itsdangerous TimestampSigner token
 * made with our secret, not older than 60 s when validate_requests (401).
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  private readonly logger = new Logger(SignatureGuard.name);
  private readonly signer: TimestampSigner;
  private readonly allowlist: AddressAllowlist;
  private readonly verified = new VerifiedTokens();

  constructor(private readonly settings: Settings) {
    this.signer = new TimestampSigner(settings.secret);
    this.allowlist = new AddressAllowlist(settings.allow_posting_from);
  }

  canActivate(context: ExecutionContext): boolean {
    this.check(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /** Throws the 403/401 answer when the request is not a valid backend call. */
  check(request: FastifyRequest): void {
    if (!this.allowlist.allows(request.ip)) {
      this.logger.warn(`backend call from ${request.ip} refused: not in allow_posting_from`);
      throw new ApiError(403, { request: 'Address not allowed' });
    }
    const token = tokenOf(request);
    if (!token) throw new ApiError(403, { request: 'Missing signature' });
    const maxAge = this.settings.validate_requests ? MAX_AGE_SECONDS : undefined;
    const now = Math.floor(Date.now() / 1000);
    if (this.verified.has(token, now)) return;
    const result = this.signer.verify(token, maxAge, now);
    if (!result.ok) {
      this.logger.warn(`backend call from ${request.ip} refused: ${result.reason} signature`);
      throw new ApiError(401, { request: 'Bad Signature' });
    }
    this.verified.add(token, maxAge === undefined ? Infinity : result.timestamp + maxAge);
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers[SIGNATURE_HEADER];
  if (typeof header === 'string' && header.length > 0) return header;
  const query = (request.query as Record<string, unknown> | undefined)?.secret;
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}
