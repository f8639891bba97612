import 'reflect-metadata';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { MessageDto } from '../messages/message.dto';
import { connectCommand } from '../testing/connect-command';
import { createServiceFixture, type ServiceFixture } from '../testing/service-fixture';
import { AdminService, formatUptime } from './admin.service';
import { LoadSamplerService } from './load-sampler.service';

describe(AdminService.name, () => {
  let fx: ServiceFixture;
  let admin: AdminService;
  beforeEach(async () => {
    fx = await createServiceFixture({ providers: [AdminService, LoadSamplerService] });
    admin = fx.moduleRef.get(AdminService);
  });

  it('lists every connected user with public state, connections and channels', async () => {
    await fx.connections.connect(connectCommand({ username: 'ann', channels: ['b-room', 'a-room'], freshState: { mood: 'ok', token: 'x' }, publicKeys: ['mood'] }));
    await fx.connections.connect(connectCommand({ username: 'bob', channels: ['a-room'] }));
    const overview = await admin.overview();
    expect(overview.users).toEqual(
      expect.arrayContaining([
        { user: 'ann', state: { mood: 'ok' }, connections: [expect.any(String)], channels: ['a-room', 'b-room'] },
        { user: 'bob', state: {}, connections: [expect.any(String)], channels: ['a-room'] },
      ]),
    );
    expect(overview.channels['a-room'].users.sort()).toEqual(['ann', 'bob']);
  });

  it('formats uptime as Python prints a timedelta', () => {
    expect(formatUptime(3_723_000)).toBe('1:02:03');
    expect(formatUptime(86_400_000 + 5000)).toBe('1 day, 0:00:05');
  });
});

describe(LoadSamplerService.name, () => {
  it('turns engine figures into messages per second and open connections', async () => {
    const fx = await createServiceFixture({ providers: [LoadSamplerService] });
    const sampler = fx.moduleRef.get(LoadSamplerService);
    await fx.connections.connect(connectCommand({ username: 'ann', channels: ['room'] }));
    await sampler.sample(10_000);
    const message = (text: string) => ({ user: 'sys', channel: 'room', message: { text } }) as MessageDto;
    await fx.messages.publish([message('a'), message('b'), message('c'), message('d')]);
    await sampler.sample(12_000);
    expect(sampler.points()).toEqual([{ at: 12_000, connections: 1, messages_per_second: 2, delivered_per_second: 0 }]);
    expect(sampler.points(12_000)).toEqual([]);
  });
});
