import Ajv from 'ajv';
import { CHANNEL_NAME_MAX } from '../channels/channel-config.dto';
import { normalizeUuid } from '../common/validation/uuid';
import { parseTimestamp } from '../common/validation/timestamp';
import type { MessageDto } from './message.dto';

const USERNAME_MAX = 512;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const UUID_PATTERN = '^(?:urn:uuid:)?\\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\\}?$';

/**
 * JSON schema of a POST /message body: at least as strict as MessageDto,
 * so what it accepts the DTO accepts too. Compiled once by Ajv, it checks a
 * body in about a microsecond; class-validator (MessageDto) only runs to word
 * the 422 answer for a body this refuses.
 */
export const MESSAGE_LIST_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['user'],
    properties: {
      user: text(USERNAME_MAX),
      channel: { anyOf: [text(CHANNEL_NAME_MAX), { type: 'null' }] },
      pm_users: { type: 'array', items: text(USERNAME_MAX) },
      exclude_users: { type: 'array', items: text(USERNAME_MAX) },
      no_history: { type: 'boolean' },
      message: { type: 'object' },
      uuid: { type: 'string', pattern: UUID_PATTERN },
      timestamp: { type: 'string', maxLength: 64 },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: true }).compile(MESSAGE_LIST_SCHEMA);

/**
 * The body as messages when it is valid, with values normalised as the DTO
 * would (uuid spelling); undefined when it is not (the caller then runs the
 * DTO validation to say exactly what is wrong).
 */
export function fastMessageList(body: unknown): MessageDto[] | undefined {
  if (!validate(body)) return undefined;
  const items = body as unknown as MessageDto[];
  for (const item of items) {
    if (item.timestamp !== undefined && !parseTimestamp(item.timestamp)) return undefined;
    if (item.uuid !== undefined) item.uuid = normalizeUuid(item.uuid);
  }
  return items;
}
