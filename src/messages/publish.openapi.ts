import type { OpenAPIObject } from '@nestjs/swagger';
import { getSchemaPath } from '@nestjs/swagger';
import { SIGNATURE_SCHEME } from '../auth/backend-api.decorator';
import { MessageDto } from './message.dto';

/** The OpenAPI operation of POST /message (a plain Fastify route, so Nest's scanner does not see it). */
export function documentPublishRoute(document: OpenAPIObject): void {
  document.paths['/message'] ??= {};
  document.paths['/message'].post = {
    tags: ['API'],
    operationId: 'MessagesController_publish',
    summary: 'Publish messages to channels and/or users',
    description:
      'Each item goes to a channel (less exclude_users, only pm_users when given) or, without a channel, privately to ' +
      'pm_users. Items with neither are dropped. Extra keys are kept and delivered.',
    security: [{ [SIGNATURE_SCHEME]: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(MessageDto) } } } } },
    responses: {
      '200': { description: 'The accepted messages with uuid, timestamp, edited and delivery defaults filled in.' },
      '401': { description: 'Signature does not verify or has expired: {"request": "Bad Signature"}' },
      '403': { description: 'Caller address not in allow_posting_from, or no signature' },
      '422': {
        description:
          'Not a list: {"_schema": ["Invalid input type."]}; bad items keyed by index: {"0": {"user": ["Missing data for required field."]}}; ' +
          'more items than max_messages_per_request, or an item over max_message_size',
      },
      '413': { description: 'Body larger than max_body_size' },
      '429': { description: 'The calling address sent more than publish_rate messages per second (Retry-After says when to retry)' },
    },
  };
}
