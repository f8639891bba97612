import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { LoadSamplerService } from './load-sampler.service';
import { PanelAssets } from './panel-assets';
import { SignInThrottle } from './sign-in-throttle';

@Module({
  imports: [ChannelsModule, UsersModule],
  controllers: [AdminController],
  providers: [AdminService, LoadSamplerService, PanelAssets, SignInThrottle],
})
export class AdminModule {}
