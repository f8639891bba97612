import { Injectable } from '@nestjs/common';
import { Engine } from '../engine/engine';
import { MessageLimits } from './message-limits';
import type { StoredEvent } from '../engine/types';
import type { MessageDeleteDto, MessageDto, MessageEditDto } from './message.dto';
import {
  acceptDelete,
  acceptEdit,
  acceptMessage,
  deleteEvent,
  editEvent,
  editPatch,
  isRoutable,
  messageEvent,
  MESSAGE_POLICY,
  type AcceptedMessage,
} from './message-events';

@Injectable()
export class MessagesService {
  constructor(
    private readonly engine: Engine,
    /** The /message limits, checked by the routes before calling in (they need the request). */
    readonly limits: MessageLimits,
  ) {}

  /**
   * Delivers messages in order: to a channel's subscribers (less excluded,
   * only pm_users when given), or privately to every connection of pm_users.
   * Messages with neither are dropped from the answer.
   */
  async publish(items: MessageDto[]): Promise<AcceptedMessage[]> {
    const accepted = items.filter(isRoutable).map(acceptMessage);
    for (const message of accepted) await this.route(message, messageEvent(message));
    return accepted;
  }

  async edit(items: MessageEditDto[]) {
    const edits = items.map(acceptEdit);
    for (const edit of edits) {
      const target = edit.channel ?? edit.pm_users;
      if (!isRoutable(edit)) continue;
      await this.engine.editStored(target, edit.uuid, editPatch(edit));
      await this.route(edit, editEvent(edit));
    }
    return edits;
  }

  async delete(items: MessageDeleteDto[]) {
    const deletions = items.map(acceptDelete);
    for (const deletion of deletions) {
      if (!isRoutable(deletion)) continue;
      await this.engine.deleteStored(deletion.channel ?? deletion.pm_users, deletion.uuid);
      await this.route(deletion, deleteEvent(deletion));
    }
    return deletions;
  }

  /**
   * Private messages honour exclude_users too (the original ignored it there).
   * It hands back the engine's own promise: an async wrapper here would add a
   * promise and a microtask to every published message.
   */
  private route(target: { channel: string | null; pm_users: string[] }, event: StoredEvent): Promise<unknown> {
    if (target.channel) return this.engine.publishToChannel(target.channel, event, MESSAGE_POLICY);
    return this.engine.publishToUsers(without(target.pm_users, event.exclude_users), event);
  }
}

function without(users: string[], excluded: string[]): string[] {
  return excluded.length ? users.filter((u) => !excluded.includes(u)) : users;
}
