import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Settings } from './settings';

/**
 * Makes the validated Settings injectable everywhere. They are loaded once,
 * before the app is built (main.ts), so bad config stops start-up early.
 */
@Module({})
export class SettingsModule {
  static register(settings: Settings): DynamicModule {
    return {
      module: SettingsModule,
      global: true,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, ignoreEnvVars: true, load: [() => ({ channelstream: settings })] }),
      ],
      providers: [{ provide: Settings, useValue: settings }],
      exports: [Settings],
    };
  }
}
