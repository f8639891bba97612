import type { AcceptedMessage } from './message-events';
import type { MessageDto } from './message.dto';

/** The delivery fields acceptMessage fills in when an item leaves them out. */
const DEFAULTED = ['channel', 'pm_users', 'exclude_users', 'no_history'] as const;

/** JSON of a default acceptMessage filled in (null, false, an empty list), without a JSON.stringify call each. */
const defaultJson = (value: unknown): string =>
  value === null ? 'null' : value === false ? 'false' : Array.isArray(value) && value.length === 0 ? '[]' : JSON.stringify(value);

/**
 * The JSON answer to POST /message: the accepted messages. The common call
 * publishes one message with no uuid or timestamp of its own, and its answer
 * is then the item as the backend sent it (the body's own text) with the
 * defaults, uuid, timestamp and edited added: Node 20's JSON.stringify of an
 * accepted message took ~2.4 µs of a ~40 µs publish here, most of it the
 * message payload the body already holds as JSON. A parser reads the same
 * values either way (the item's keys come first, in the backend's order).
 * Anything else (several items, an item with uuid, timestamp or edited,
 * which acceptance rewrites, or items the fast schema did not take as they
 * are) is serialized in full.
 */
export function publishAnswer(accepted: readonly AcceptedMessage[], items: readonly MessageDto[], body: string, itemsAsParsed: boolean): string {
  const item = items[0];
  if (!itemsAsParsed || items.length !== 1 || accepted.length !== 1 || item.uuid !== undefined || item.timestamp !== undefined || 'edited' in item) {
    return JSON.stringify(accepted);
  }
  const text = itemText(body);
  if (text === undefined) return JSON.stringify(accepted);
  const message = accepted[0];
  let json = text.slice(0, -1); // the object without its closing brace: it has a key at least (user is required)
  for (const key of DEFAULTED) if (item[key] === undefined) json += `,"${key}":${defaultJson(message[key])}`;
  // our own uuid and timestamp: hex digits and dashes, an ISO date-time, nothing to escape
  return `[${json},"uuid":"${message.uuid}","timestamp":"${message.timestamp}","edited":null}]`;
}

/**
 * The text of the one object in a body that parsed as a one-item JSON list:
 * what lies between its brackets. JSON allows only JSON whitespace around
 * values, and trim removes that (and nothing a valid body could hold there).
 */
function itemText(body: string): string | undefined {
  const list = body.trim();
  if (list[0] !== '[' || list[list.length - 1] !== ']') return undefined;
  const text = list.slice(1, -1).trim();
  return text[0] === '{' && text[text.length - 1] === '}' ? text : undefined;
}
