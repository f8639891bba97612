import { randomUUID } from 'node:crypto';
import { normalizeTimestamp, nowTimestamp } from '../common/validation/timestamp';
import type { PublishPolicy } from '../engine/engine';
import type { StoredEvent } from '../engine/types';
import type { DeliveryDto, MessageDeleteDto, MessageDto, MessageEditDto } from './message.dto';

/** What POST /message answers for one accepted message: the input with defaults filled in. */
export type AcceptedMessage = Record<string, unknown> & {
  uuid: string;
  timestamp: string;
  user: string;
  channel: string | null;
  pm_users: string[];
  exclude_users: string[];
  no_history: boolean;
  edited: null;
};

/** History keeps chat messages only, when the channel stores history and the sender did not opt out. */
export const MESSAGE_POLICY: PublishPolicy = {
  historySize: (settings, event) =>
    event.type === 'message' && settings.store_history && !event.no_history ? settings.history_size : 0,
  keepFrame: (settings) => settings.store_frames,
};

/** A message is routed when it names a channel or private recipients; others are dropped. */
export const isRoutable = (m: { channel?: string | null; pm_users?: string[] }) => Boolean(m.channel) || Boolean(m.pm_users?.length);

/** The item with its delivery fields defaulted (no channel, nobody singled out or excluded, history kept); acceptMessage writes the same defaults into its literal. */
function withDeliveryDefaults<T extends DeliveryDto>(dto: T) {
  // assigned one by one onto a copy: a spread that overrides keys of a parsed object costs ~10x more in V8
  const item = Object.assign({}, dto) as T & { channel: string | null; pm_users: string[]; exclude_users: string[]; no_history: boolean };
  item.channel = dto.channel ?? null;
  item.pm_users = dto.pm_users ?? [];
  item.exclude_users = dto.exclude_users ?? [];
  item.no_history = dto.no_history ?? false;
  return item;
}

/** The fields every accepted message has (see acceptMessage); other keys of an item are kept as they are. */
const MESSAGE_FIELDS = new Set(['user', 'channel', 'message', 'pm_users', 'exclude_users', 'no_history', 'uuid', 'timestamp', 'edited']);

export function acceptMessage(dto: MessageDto): AcceptedMessage {
  // one literal of a fixed shape, then the item's other keys if it has any: this runs, and is answered, for every
  // published message, and V8 serialises such an object ~40% faster than a copy of the item grown key by key
  const accepted: AcceptedMessage = {
    user: dto.user,
    channel: dto.channel ?? null,
    message: dto.message, // when absent, undefined: left out of every JSON form, as before
    pm_users: dto.pm_users ?? [],
    exclude_users: dto.exclude_users ?? [],
    no_history: dto.no_history ?? false,
    uuid: dto.uuid ?? randomUUID(),
    timestamp: dto.timestamp ? normalizeTimestamp(dto.timestamp)! : nowTimestamp(),
    edited: null,
  };
  for (const key in dto) if (!MESSAGE_FIELDS.has(key)) accepted[key] = (dto as unknown as Record<string, unknown>)[key];
  return accepted;
}

/** The keys messageEvent writes itself; an accepted message's other keys are copied after them. */
const EVENT_FIELDS = new Set([...MESSAGE_FIELDS, 'type', 'catchup']);

/** The delivered form: type is always "message" whatever the input said. */
export function messageEvent(accepted: AcceptedMessage): StoredEvent {
  // a literal of a fixed shape, as in acceptMessage: a copy by Object.assign and three stores cost ~1 µs per publish
  // (megamorphic stores, a write barrier over the copy), and every delivered frame and history entry is this object
  const event: StoredEvent = {
    user: accepted.user,
    channel: accepted.channel,
    message: accepted.message,
    pm_users: accepted.pm_users,
    exclude_users: accepted.exclude_users,
    no_history: accepted.no_history,
    uuid: accepted.uuid,
    timestamp: accepted.timestamp,
    edited: null,
    type: 'message',
    catchup: false,
  };
  for (const key in accepted) if (!EVENT_FIELDS.has(key)) event[key] = accepted[key];
  return event;
}

export type AcceptedEdit = ReturnType<typeof acceptEdit>;

export function acceptEdit(dto: MessageEditDto) {
  return {
    ...withDeliveryDefaults(dto),
    ...(dto.timestamp !== undefined && { timestamp: normalizeTimestamp(dto.timestamp)! }),
    edited: dto.edited ? normalizeTimestamp(dto.edited)! : nowTimestamp(),
  };
}

/** The fields of a stored message an edit replaces. */
export function editPatch(edit: AcceptedEdit) {
  return {
    ...(edit.timestamp !== undefined && { timestamp: edit.timestamp }),
    ...(edit.user !== undefined && { user: edit.user }),
    ...(edit.message !== undefined && { message: edit.message }),
    edited: edit.edited,
  };
}

export function editEvent(edit: AcceptedEdit): StoredEvent {
  return { ...edit, type: 'message:edit', catchup: false };
}

export type AcceptedDelete = ReturnType<typeof acceptDelete>;

export function acceptDelete(dto: MessageDeleteDto) {
  return withDeliveryDefaults(dto);
}

export function deleteEvent(deletion: AcceptedDelete): StoredEvent {
  return { ...deletion, type: 'message:delete', catchup: false };
}
