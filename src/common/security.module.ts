import { Global, Module } from '@nestjs/common';
import { ClientAddress } from './client-address';
import { OriginGuard } from './origin-guard';
import { RateLimits } from './rate-limiter';
import { RejectionsService } from './rejections.service';

/**
 * What every part of the server shares to refuse abuse: the refusal counts,
 * the real client address (trusted proxies), the rate limits and the origin
 * allowlist of browser transports.
 */
@Global()
@Module({
  providers: [RejectionsService, ClientAddress, RateLimits, OriginGuard],
  exports: [RejectionsService, ClientAddress, RateLimits, OriginGuard],
})
export class SecurityModule {}
