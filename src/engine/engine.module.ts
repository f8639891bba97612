import { Global, Module } from '@nestjs/common';
import { Settings } from '../config/settings';
import { Engine } from './engine';
import { MemoryEngine } from './memory/memory-engine';

/** Chooses the engine implementation once, from config. No other module imports an implementation. */
export function createEngine(settings: Settings): Engine {
  switch (settings.engine) {
    case 'memory':
      return new MemoryEngine();
  }
}

@Global()
@Module({
  providers: [{ provide: Engine, useFactory: createEngine, inject: [Settings] }],
  exports: [Engine],
})
export class EngineModule {}
