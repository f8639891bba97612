import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { nowTimestamp } from '../common/validation/timestamp';
import { Engine, FRAMES_ONLY } from '../engine/engine';
import type { StoredEvent, UserRecord, UserState } from '../engine/types';
import { mergeState, publicState, type StateChange } from './user-state';

export interface StateUpdate {
  /** State for a user seen for the first time. */
  fresh?: UserState;
  /** Keys to set (others are kept). */
  update?: UserState;
  /** Replaces the public keys when given; kept as they are when undefined. */
  publicKeys?: string[];
}

export interface StateResult {
  user: UserRecord;
  changed: StateChange[];
}

@Injectable()
export class UsersService {
  constructor(private readonly engine: Engine) {}

  /** /connect: creates the user if new (with the fresh state), then applies keys and the update. No events. */
  async upsertOnConnect(username: string, change: StateUpdate): Promise<StateResult> {
    let changed: StateChange[] = [];
    const user = await this.engine.updateUser(username, (current) => {
      const base: UserRecord = current ?? { username, state: { ...change.fresh }, publicKeys: [], lastActive: 0 };
      const merged = mergeState(base.state, change.update);
      changed = merged.changed;
      return { ...base, state: merged.state, publicKeys: change.publicKeys ?? base.publicKeys, lastActive: Date.now() };
    });
    return { user: user!, changed };
  }

  /**
   * /user_state: changes a known user's state and tells the channels that
   * want it (notify_state) which public keys changed.
   */
  async setState(username: string, change: StateUpdate): Promise<StateResult> {
    let changed: StateChange[] = [];
    const user = await this.engine.updateUser(username, (current) => {
      if (!current) return undefined;
      const merged = mergeState(current.state, change.update);
      changed = merged.changed;
      return { ...current, state: merged.state, publicKeys: change.publicKeys ?? current.publicKeys, lastActive: Date.now() };
    });
    if (!user) throw RequestValidationError.field('user', 'Unknown user');
    if (changed.length > 0) await this.announceStateChange(user, changed);
    return { user, changed };
  }

  async getUsers(usernames: readonly string[]): Promise<UserRecord[]> {
    return this.engine.getUsers(usernames);
  }

  /** {user, state} entries as channels_info lists them. */
  async describeUsers(usernames: readonly string[], onlyPublic: boolean): Promise<{ user: string; state: UserState }[]> {
    const users = await this.engine.getUsers(usernames);
    return users.map((u) => ({ user: u.username, state: onlyPublic ? publicState(u) : u.state }));
  }

  publicState(user: UserRecord): UserState {
    return publicState(user);
  }

  private async announceStateChange(user: UserRecord, changed: StateChange[]): Promise<void> {
    const channels = (await this.engine.userChannels(user.username)).filter((c) => c.settings.notify_state);
    if (channels.length === 0) return;
    const state = publicState(user);
    const message = { state, changed: changed.filter((c) => Object.hasOwn(state, c.key)) };
    for (const channel of channels) {
      const event: StoredEvent = {
        uuid: randomUUID(),
        type: 'user_state_change',
        user: user.username,
        channel: channel.name,
        timestamp: nowTimestamp(),
        message,
        catchup: false,
        pm_users: [],
        exclude_users: [],
        no_history: false,
      };
      await this.engine.publishToChannel(channel.name, event, FRAMES_ONLY);
    }
  }
}
