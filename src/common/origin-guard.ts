import { Injectable } from '@nestjs/common';
import { Settings } from '../config/settings';
import { ApiError } from './api-error';
import { OriginPolicy } from './origin-policy';
import { REJECTION, RejectionsService } from './rejections.service';

/** The allow_cors list applied to browser transports (/ws, /listen, /sse): other origins are refused and counted. */
@Injectable()
export class OriginGuard {
  readonly policy: OriginPolicy;

  constructor(
    settings: Settings,
    private readonly rejections: RejectionsService,
  ) {
    this.policy = new OriginPolicy(settings.allow_cors);
  }

  /** True when a transport may be opened from `origin` (the Origin header) on `host` (the Host header); counts refusals. */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (this.policy.allowsTransport(origin, host)) return true;
    this.rejections.count(REJECTION.originDenied);
    return false;
  }

  /** Throws the 403 answer when the origin is refused. */
  check(origin: string | undefined, host: string | undefined): void {
    if (!this.allows(origin, host)) throw new ApiError(403, { request: 'Origin not allowed' });
  }
}
