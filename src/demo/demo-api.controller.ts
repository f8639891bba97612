import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { BodyPipe } from '../common/validation/body.pipe';
import { DemoDeleteDto, DemoEditDto, DemoJoinDto, DemoSayDto, DemoStateDto } from './demo.dto';
import { DemoService } from './demo.service';

/**
 * The demo page's tiny backend (only with demo = true). Unsigned on purpose:
 * browsers must never hold the API secret, so the page asks this instead.
 */
@ApiExcludeController()
@Controller('demo/api')
export class DemoApiController {
  constructor(private readonly demo: DemoService) {}

  @Post('join')
  @HttpCode(200)
  join(@Body(new BodyPipe(DemoJoinDto)) body: DemoJoinDto) {
    return this.demo.join(body);
  }

  @Post('say')
  @HttpCode(200)
  say(@Body(new BodyPipe(DemoSayDto)) body: DemoSayDto) {
    return this.demo.say(body);
  }

  @Post('edit')
  @HttpCode(200)
  edit(@Body(new BodyPipe(DemoEditDto)) body: DemoEditDto) {
    return this.demo.edit(body);
  }

  @Post('delete')
  @HttpCode(200)
  remove(@Body(new BodyPipe(DemoDeleteDto)) body: DemoDeleteDto) {
    return this.demo.delete(body);
  }

  @Post('state')
  @HttpCode(200)
  state(@Body(new BodyPipe(DemoStateDto)) body: DemoStateDto) {
    return this.demo.setStatus(body.conn_id, body.status);
  }
}
