import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOrSignatureGuard } from '../auth/admin.guard';
import { AdminSessionService } from '../auth/admin-session.service';
import { SIGNATURE_SCHEME } from '../auth/backend-api.decorator';
import { isPlainObject } from '../common/validation/validators';
import { VERSION } from '../version';
import { adminHomePage, signInPage } from './admin-pages';
import { AdminService } from './admin.service';

/** A failed sign-in waits this long, so guessing the password is slow. */
export const FAILED_SIGN_IN_DELAY_MS = 500;

const isHttps = (request: FastifyRequest) =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';

@ApiTags('Admin API')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly sessions: AdminSessionService,
  ) {}

  @Get()
  @ApiExcludeEndpoint()
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.sessions.isSignedIn(request)) return void reply.redirect('/admin/sign_in', 302);
    reply.type('text/html; charset=utf-8').send(adminHomePage(VERSION));
  }

  @Get('sign_in')
  @ApiExcludeEndpoint()
  signInForm(@Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').send(signInPage());
  }

  @Post('sign_in')
  @ApiExcludeEndpoint()
  async signIn(@Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const form = isPlainObject(body) ? body : {};
    const username = typeof form.username === 'string' ? form.username.trim() : '';
    const password = typeof form.password === 'string' ? form.password.trim() : '';
    if (this.sessions.credentialsMatch(username, password)) {
      this.sessions.signIn(reply, isHttps(request));
      return void reply.redirect('/admin', 302);
    }
    await new Promise((resolve) => setTimeout(resolve, FAILED_SIGN_IN_DELAY_MS));
    reply.code(401).type('text/html; charset=utf-8').send(signInPage('Wrong user name or password.'));
  }

  @Get('sign_out')
  @ApiExcludeEndpoint()
  signOutGet(@Res() reply: FastifyReply): void {
    this.signOut(reply);
  }

  @Post('sign_out')
  @ApiExcludeEndpoint()
  signOut(@Res() reply: FastifyReply): void {
    this.sessions.signOut(reply);
    reply.redirect('/admin/sign_in', 302);
  }

  @Get('admin.json')
  @UseGuards(AdminOrSignatureGuard)
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiOperation({ summary: 'Server figures, channels and connected users (admin session or signature)' })
  @ApiOkResponse({ description: 'remembered_user_count, unique_user_count, total_connections, total_channels, total_messages, total_unique_messages, channels, users, uptime, version, engine' })
  overviewGet() {
    return this.admin.overview();
  }

  @Post('admin.json')
  @HttpCode(200)
  @UseGuards(AdminOrSignatureGuard)
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiOperation({ summary: 'Same as GET' })
  overviewPost() {
    return this.admin.overview();
  }
}
