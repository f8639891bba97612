import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';

export const HEARTBEAT_INTERVAL_MS = 5000;

/**
 * One shared timer (not one per socket) sends `[]` to every attached
 * transport about every 5 s and counts live ones as active. On shutdown,
 * every transport is closed (sockets with 1001, held polls answered).
 */
@Injectable()
export class HeartbeatService implements OnModuleInit, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(private readonly engine: Engine) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS).unref();
  }

  beat(now = Date.now()): void {
    for (const sink of [...this.engine.localSinks()]) {
      if (sink.heartbeat(now)) this.engine.touch(sink.connId);
    }
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const sink of [...this.engine.localSinks()]) sink.close(WS_CLOSE.goingAway, 'server shutting down');
  }
}
