import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Settings } from '../config/settings';
import { Engine } from '../engine/engine';
import { ConnectionsService } from './connections.service';

const SWEEP_CONNECTIONS_EVERY_MS = 1000;
const SWEEP_USERS_AND_CHANNELS_EVERY_MS = 60_000;
const FORGET_USERS_AFTER_MS = 24 * 3600 * 1000;

/**
 * Expires connections without transport activity for gc_conns_after (their
 * users part), forgets users idle for a day and empty channels idle for
 * gc_channels_after. One shared timer each, cleared on shutdown.
 */
@Injectable()
export class LivenessService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LivenessService.name);
  private timers: NodeJS.Timeout[] = [];
  private sweeping = false;

  constructor(
    private readonly engine: Engine,
    private readonly connections: ConnectionsService,
    private readonly settings: Settings,
  ) {}

  onModuleInit(): void {
    this.timers.push(
      setInterval(() => void this.guard(() => this.expireIdleConnections()), SWEEP_CONNECTIONS_EVERY_MS).unref(),
      setInterval(() => void this.guard(() => this.forgetIdle()), SWEEP_USERS_AND_CHANNELS_EVERY_MS).unref(),
    );
  }

  beforeApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Expires every connection idle for longer than gc_conns_after, or dropped longer than resume_grace ago; returns how many. */
  async expireIdleConnections(now = Date.now()): Promise<number> {
    const idle = await this.engine.idleConnections(now - this.settings.gc_conns_after * 1000, now - this.settings.resume_grace * 1000);
    for (const connId of idle) await this.connections.expire(connId);
    return idle.length;
  }

  async forgetIdle(now = Date.now()): Promise<{ users: number; channels: number }> {
    const users = await this.engine.forgetIdleUsers(now - FORGET_USERS_AFTER_MS);
    const channels = await this.engine.forgetIdleChannels(now - this.settings.gc_channels_after * 1000);
    if (users || channels) this.logger.log(`forgot ${users} idle users and ${channels} idle channels`);
    return { users, channels };
  }

  /** One sweep at a time; a failing sweep is logged, never fatal. */
  private async guard(sweep: () => Promise<unknown>): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await sweep();
    } catch (err) {
      this.logger.error(`sweep failed: ${(err as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }
}
