import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { BackendApi } from '../auth/backend-api.decorator';
import { BodyPipe } from '../common/validation/body.pipe';
import { UserStateDto, UserStateResponseDto } from './user-state.dto';
import { UsersService } from './users.service';

@ApiTags('API')
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('user_state')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: "Set a user's state; channels with notify_state receive user_state_change" })
  @ApiOkResponse({ type: UserStateResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body, or unknown user: {"user": ["Unknown user"]}' })
  async setState(@Body(new BodyPipe(UserStateDto)) body: UserStateDto): Promise<UserStateResponseDto> {
    const { user, changed } = await this.users.setState(body.user, {
      update: body.user_state,
      publicKeys: body.state_public_keys,
    });
    return { user_state: user.state, changed_state: changed, public_keys: user.publicKeys };
  }
}
