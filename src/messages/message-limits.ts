import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientAddress } from '../common/client-address';
import { rawBodyOf } from '../common/json-body';
import { RateLimits, tooManyRequests } from '../common/rate-limiter';
import { countRefusal } from '../common/refusal-counting';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import type { ErrorTree } from '../common/validation/messages';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { Settings } from '../config/settings';

/**
 * The limits of /message calls (POST, PATCH, DELETE): items per call
 * (max_messages_per_request, 422), the caller's publish rate (publish_rate,
 * 429) and the size of each item (max_message_size, 422). Cheap when
 * nothing is near a limit: sizes are only measured for bodies larger than
 * one item may be.
 */
@Injectable()
export class MessageLimits {
  constructor(
    private readonly settings: Settings,
    private readonly rejections: RejectionsService,
    private readonly rates: RateLimits,
    private readonly addresses: ClientAddress,
  ) {}

  /** Before validation: the number of items, then the caller's rate (each item costs one token). */
  checkList(request: FastifyRequest, body: unknown): void {
    const items = Array.isArray(body) ? body.length : 1;
    if (items > this.settings.max_messages_per_request) {
      this.rejections.count(REJECTION.tooManyMessages);
      throw new RequestValidationError({ _schema: [`At most ${this.settings.max_messages_per_request} messages per call (max_messages_per_request), got ${items}.`] });
    }
    const decision = this.rates.publish(this.addresses.of(request), Math.max(1, items));
    if (!decision.ok) throw tooManyRequests(decision, 'messages from this address (publish_rate)');
  }

  /** After validation: every item's JSON within max_message_size. */
  checkSizes(request: FastifyRequest, items: readonly object[]): void {
    const limit = this.settings.max_message_size;
    const raw = rawBodyOf(request);
    // no item can be larger than the whole body: skip measuring (3 bytes per UTF-16 unit at most)
    if (raw.length * 3 <= limit || Buffer.byteLength(raw) <= limit) return;
    const errors: ErrorTree = {};
    items.forEach((item, index) => {
      const size = Buffer.byteLength(JSON.stringify(item));
      if (size > limit) errors[String(index)] = { _schema: [`Message is ${size} bytes; at most ${limit} (max_message_size).`] };
    });
    if (Object.keys(errors).length === 0) return;
    this.rejections.count(REJECTION.messageTooLarge);
    throw new RequestValidationError(errors);
  }

  /** Counts a refusal raised outside these checks (names of a wrong length), for the plain publish route. */
  countRefusal(error: unknown): void {
    countRefusal(this.rejections, error);
  }
}
