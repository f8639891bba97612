import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Engine } from '../engine/engine';
import { LoadHistory, type LoadPoint } from './load-history';

export const LOAD_SAMPLE_INTERVAL_MS = 2000;
/** Ten minutes of samples: what the panel's chart shows. */
export const LOAD_HISTORY_POINTS = 300;

/**
 * Reads the engine's figures every 2 s, so the panel can draw the last ten
 * minutes of load as soon as it opens (one cheap stats() call, one shared timer).
 */
@Injectable()
export class LoadSamplerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LoadSamplerService.name);
  private readonly history = new LoadHistory(LOAD_HISTORY_POINTS);
  private timer?: NodeJS.Timeout;

  constructor(private readonly engine: Engine) {}

  onModuleInit(): void {
    void this.sample(); // the baseline, so the first point comes one interval after start
    this.timer = setInterval(() => void this.sample(), LOAD_SAMPLE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sample(now = Date.now()): Promise<void> {
    if (!this.engine.isReady()) return; // a gap in the chart while Redis is away
    try {
      const stats = await this.engine.stats();
      this.history.add({ at: now, connections: stats.connections, messages: stats.uniqueMessages, delivered: stats.deliveredMessages });
    } catch (err) {
      this.logger.debug(`load sample skipped: ${(err as Error).message}`);
    }
  }

  points(since?: number): LoadPoint[] {
    return this.history.since(since);
  }
}
