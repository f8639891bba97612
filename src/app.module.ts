import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { SecurityModule } from './common/security.module';
import { SettingsModule } from './config/config.module';
import type { Settings } from './config/settings';
import { ConnectionsModule } from './connections/connections.module';
import { DemoModule } from './demo/demo.module';
import { EngineModule } from './engine/engine.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { MessagesModule } from './messages/messages.module';
import { TransportsModule } from './transports/transports.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.register(settings),
        SecurityModule,
        EngineModule,
        AuthModule,
        UsersModule,
        ChannelsModule,
        ConnectionsModule,
        MessagesModule,
        TransportsModule,
        AdminModule,
        HealthModule,
        MetricsModule,
        ...(settings.demo ? [DemoModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
