// Exists so the service specs share one wiring of the real services around an in-memory engine instead of each building it.
import type { Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ChannelsService } from '../channels/channels.service';
import { ClientAddress } from '../common/client-address';
import { RateLimits } from '../common/rate-limiter';
import { RejectionsService } from '../common/rejections.service';
import { Settings } from '../config/settings';
import type { SettingValues } from '../config/settings-schema';
import { ConnectionsService } from '../connections/connections.service';
import { Engine } from '../engine/engine';
import { MemoryEngine } from '../engine/memory/memory-engine';
import { MessageLimits } from '../messages/message-limits';
import { MessagesService } from '../messages/messages.service';
import { UsersService } from '../users/users.service';

export interface ServiceFixtureOptions {
  /** Setting values that differ from the defaults. */
  settings?: Partial<SettingValues>;
  /** Providers beyond the four services (e.g. LivenessService). */
  providers?: Provider[];
}

export interface ServiceFixture {
  engine: MemoryEngine;
  moduleRef: TestingModule;
  users: UsersService;
  channels: ChannelsService;
  connections: ConnectionsService;
  messages: MessagesService;
}

/** A compiled Nest testing module: Engine is a fresh MemoryEngine, Settings the defaults plus `settings`. */
export async function createServiceFixture({ settings = {}, providers = [] }: ServiceFixtureOptions = {}): Promise<ServiceFixture> {
  const engine = new MemoryEngine();
  const moduleRef = await Test.createTestingModule({
    providers: [
      { provide: Engine, useValue: engine },
      { provide: Settings, useValue: Settings.load({ overrides: settings }) },
      UsersService,
      ChannelsService,
      ConnectionsService,
      MessagesService,
      // what the services use to refuse abuse (limits, counts)
      RejectionsService,
      ClientAddress,
      RateLimits,
      MessageLimits,
      ...providers,
    ],
  }).compile();
  return {
    engine,
    moduleRef,
    users: moduleRef.get(UsersService),
    channels: moduleRef.get(ChannelsService),
    connections: moduleRef.get(ConnectionsService),
    messages: moduleRef.get(MessagesService),
  };
}
