import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Settings } from '../config/settings';
import { ApiError } from '../common/api-error';
import { ClientAddress } from '../common/client-address';
import { rawBodyOf } from '../common/json-body';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import { Engine } from '../engine/engine';
import { AddressAllowlist } from './address-allowlist';
import { canonicalRequest, macMatches, readStrictHeaders } from './strict-signature';
import { TimestampSigner, type VerifyResult } from './timestamp-signer';
import { VerifiedTokens } from './verified-tokens';
import { aboutRequest } from '../logging/request-context';

export const SIGNATURE_HEADER = 'x-channelstream-secret';

const BAD_SIGNATURE = { request: 'Bad Signature' };

interface PreviousKey {
  secret: string;
  signer: TimestampSigner;
  /** Epoch ms after which it is refused. */
  until: number;
}

/**
 * Backend calls: the caller's address (see ClientAddress) must be allowed
 * (403), a signature must be given (403) and it must verify (401):
 * - legacy (default): an itsdangerous TimestampSigner token made with our
 *   secret, not older than signature_max_age when validate_requests;
 * - strict: HMAC-SHA256 over method, path, timestamp, nonce and the body's
 *   SHA-256 (see strict-signature.ts), within signature_max_age of now, with
 *   a nonce never seen before (remembered in the engine, so on every node).
 * Both accept previous_secret until previous_secret_expires (key rotation).
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  private readonly logger = new Logger(SignatureGuard.name);
  private readonly signer: TimestampSigner;
  private readonly previous?: PreviousKey;
  private readonly allowlist: AddressAllowlist;
  private readonly verified = new VerifiedTokens();
  private readonly strict: boolean;

  constructor(
    private readonly settings: Settings,
    private readonly rejections: RejectionsService,
    private readonly engine: Engine,
    private readonly addresses: ClientAddress,
  ) {
    this.signer = new TimestampSigner(settings.secret);
    this.allowlist = new AddressAllowlist(settings.allow_posting_from);
    this.strict = settings.signature_mode === 'strict';
    if (settings.previous_secret) {
      this.previous = {
        secret: settings.previous_secret,
        signer: new TimestampSigner(settings.previous_secret),
        until: Date.parse(settings.previous_secret_expires),
      };
    }
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const pending = this.check(context.switchToHttp().getRequest<FastifyRequest>());
    return pending ? pending.then(() => true) : true;
  }

  /**
   * Throws (or, in strict mode, rejects with) the 403/401 answer when the
   * request is not a valid backend call. Legacy mode answers synchronously.
   */
  check(request: FastifyRequest): void | Promise<void> {
    const address = this.addresses.of(request);
    if (!this.allowlist.allows(address)) {
      this.rejections.count(REJECTION.addressDenied);
      this.logger.warn(aboutRequest(request, `backend call from ${address} refused: not in allow_posting_from`));
      throw new ApiError(403, { request: 'Address not allowed' });
    }
    if (this.strict) return this.checkStrict(request, address);
    const token = tokenOf(request);
    if (!token) throw this.missing();
    const maxAge = this.settings.validate_requests ? this.settings.signature_max_age : undefined;
    const now = Math.floor(Date.now() / 1000);
    if (this.verified.has(token, now)) return;
    let result: VerifyResult = this.signer.verify(token, maxAge, now);
    let validUntil = Infinity;
    if (!result.ok && result.reason === 'bad-signature' && this.previous && this.previous.until > now * 1000) {
      result = this.previous.signer.verify(token, maxAge, now);
      validUntil = Math.floor(this.previous.until / 1000) - 1;
    }
    if (!result.ok) throw this.refused(request, result.reason === 'expired' ? 'expired' : 'bad-signature', address, false);
    this.verified.add(token, Math.min(validUntil, maxAge === undefined ? Infinity : result.timestamp + maxAge));
  }

  private async checkStrict(request: FastifyRequest, address: string | undefined): Promise<void> {
    const headers = readStrictHeaders(request.headers);
    if (!headers.ok) throw headers.reason === 'missing' ? this.missing() : this.refused(request, 'malformed', address, true);
    const nowMs = Date.now();
    const timestamp = Number(headers.timestamp);
    const maxAge = this.settings.signature_max_age;
    if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > maxAge) throw this.refused(request, 'expired', address, true);
    const canonical = canonicalRequest({
      method: request.method,
      path: request.url,
      timestamp: headers.timestamp,
      nonce: headers.nonce,
      body: rawBodyOf(request),
    });
    const valid =
      macMatches(this.settings.secret, canonical, headers.mac) ||
      (this.previous !== undefined && this.previous.until > nowMs && macMatches(this.previous.secret, canonical, headers.mac));
    if (!valid) throw this.refused(request, 'bad-signature', address, true);
    // remembered until its timestamp leaves the window, so it can never be used twice
    const ttlMs = Math.max(1000, (timestamp + maxAge + 1) * 1000 - nowMs);
    if (!(await this.engine.rememberNonce(headers.nonce, ttlMs))) throw this.refused(request, 'replayed', address, true);
  }

  private missing(): ApiError {
    this.rejections.count(REJECTION.signatureMissing);
    return new ApiError(403, { request: 'Missing signature' });
  }

  private refused(request: FastifyRequest, reason: 'malformed' | 'bad-signature' | 'expired' | 'replayed', address: string | undefined, strict: boolean): ApiError {
    this.rejections.count(reason === 'expired' ? REJECTION.signatureExpired : reason === 'replayed' ? REJECTION.signatureReplayed : REJECTION.signatureBad);
    this.logger.warn(aboutRequest(request, `backend call from ${address} refused: ${reason} signature`));
    // strict mode says why (clock skew and replays are worth telling a backend developer); legacy keeps the original's body
    return new ApiError(401, strict ? { ...BAD_SIGNATURE, reason } : BAD_SIGNATURE);
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers[SIGNATURE_HEADER];
  if (typeof header === 'string' && header.length > 0) return header;
  const query = (request.query as Record<string, unknown> | undefined)?.secret;
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}
