import { Global, Module } from '@nestjs/common';
import { Settings } from '../config/settings';
import { Engine } from './engine';
import { MemoryEngine } from './memory/memory-engine';
import { RedisEngine } from './redis/redis-engine';

/** Chooses the engine implementation once, from config. No other module imports an implementation. */
export function createEngine(settings: Settings): Engine {
  switch (settings.engine) {
    case 'memory':
      return new MemoryEngine({ recoveryMaxEvents: settings.recovery_max_events });
    case 'redis':
      return new RedisEngine({
        url: settings.redis_url,
        prefix: settings.redis_prefix,
        gcConnsAfter: settings.gc_conns_after,
        framesTtl: settings.gc_channels_after,
        recoveryMaxEvents: settings.recovery_max_events,
      });
  }
}

@Global()
@Module({
  providers: [{ provide: Engine, useFactory: createEngine, inject: [Settings] }],
  exports: [Engine],
})
export class EngineModule {}
