import { Body, Controller, Get, Header, HttpCode, Logger, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOrSignatureGuard } from '../auth/admin.guard';
import { AdminSessionService } from '../auth/admin-session.service';
import { SIGNATURE_SCHEME } from '../auth/backend-api.decorator';
import { ApiError } from '../common/api-error';
import { ClientAddress } from '../common/client-address';
import { isHttps } from '../common/http-policy';
import { isPlainObject } from '../common/validation/validators';
import { Settings } from '../config/settings';
import { aboutRequest } from '../logging/request-context';
import { VERSION } from '../version';
import { panelPage, refusedPage, signInPage, signOutConfirmPage } from './admin-pages';
import { AdminService } from './admin.service';
import { LOAD_SAMPLE_INTERVAL_MS, LoadSamplerService } from './load-sampler.service';
import { sendPage } from './page-headers';
import { PanelAssets } from './panel-assets';
import { isCrossSite, sentByBrowser } from './request-origin';
import { SignInThrottle } from './sign-in-throttle';

const formField = (body: unknown, name: string) => {
  const value = isPlainObject(body) ? body[name] : undefined;
  return typeof value === 'string' ? value : '';
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@ApiTags('Admin API')
@Controller('admin')
export class AdminController {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly admin: AdminService,
    private readonly sessions: AdminSessionService,
    private readonly throttle: SignInThrottle,
    private readonly assets: PanelAssets,
    private readonly load: LoadSamplerService,
    private readonly settings: Settings,
    private readonly clients: ClientAddress,
  ) {}

  @Get()
  @ApiExcludeEndpoint()
  home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const csrfToken = this.sessions.csrfToken(request);
    if (csrfToken === undefined) return void reply.redirect('/admin/sign_in', 302);
    sendPage(reply, 200, panelPage({ version: VERSION, engine: this.settings.engine, csrfToken }));
  }

  @Get('assets/:file')
  @ApiExcludeEndpoint()
  asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const asset = this.assets.get(file);
    if (!asset) throw new ApiError(404, { request: 'Not Found' });
    if (!asset.public && !this.sessions.isSignedIn(request)) throw new ApiError(401, { request: 'Sign in required' });
    // revalidated on every load (a new build is picked up at once), answered 304 while unchanged
    reply.header('cache-control', asset.public ? 'no-cache' : 'private, no-cache').header('etag', asset.etag).header('x-content-type-options', 'nosniff');
    if (request.headers['if-none-match'] === asset.etag) return void reply.code(304).send();
    reply.type(asset.contentType).send(asset.body);
  }

  @Get('sign_in')
  @ApiExcludeEndpoint()
  signInForm(@Req() request: FastifyRequest, @Query('signed_out') signedOut: unknown, @Res() reply: FastifyReply): void {
    if (this.sessions.isSignedIn(request)) return void reply.redirect('/admin', 302);
    sendPage(reply, 200, signInPage({ notice: signedOut ? 'You are signed out.' : undefined }));
  }

  @Post('sign_in')
  @ApiExcludeEndpoint()
  async signIn(@Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    if (isCrossSite(request.headers)) {
      this.logger.warn(aboutRequest(request, `cross-site admin sign-in refused (from ${request.ip}, origin ${request.headers.origin ?? '-'})`));
      return sendPage(reply, 403, refusedPage('Sign-in refused: the form was sent from another site. Sign in on this server’s own sign-in page.'));
    }
    const username = formField(body, 'username').trim();
    const password = formField(body, 'password').trim();
    const address = this.clients.of(request) ?? request.ip; // behind trusted proxies: the real client, not the proxy
    const wait = this.throttle.retryAfter(address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header('retry-after', String(seconds));
      return sendPage(reply, 429, signInPage({ error: `Too many failed sign-ins from your address. Try again in ${seconds} s.`, username }));
    }
    if (this.sessions.credentialsMatch(username, password)) {
      this.throttle.recordSuccess(address);
      this.sessions.signIn(reply, this.secureCookies(request));
      return void reply.redirect('/admin', 302);
    }
    const delay = this.throttle.recordFailure(address);
    this.logger.warn(aboutRequest(request, `failed admin sign-in from ${address} (answer held ${delay} ms)`));
    await sleep(delay);
    sendPage(reply, 401, signInPage({ error: 'Wrong user name or password.', username }));
  }

  /**
   * Signs out at once when the browser's own action asked for it (a link on
   * this site, the address bar) or a script did, as the original server did;
   * a link on another site only gets a page to confirm on (CSRF).
   */
  @Get('sign_out')
  @ApiExcludeEndpoint()
  signOutGet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (isCrossSite(request.headers)) return sendPage(reply, 200, signOutConfirmPage());
    this.finishSignOut(reply);
  }

  /** The panel's sign-out form: refused from another site, and a browser must send back the page's token. */
  @Post('sign_out')
  @ApiExcludeEndpoint()
  signOut(@Req() request: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): void {
    if (isCrossSite(request.headers)) {
      return sendPage(reply, 403, refusedPage('Sign-out refused: the request was sent from another site.'));
    }
    const tokenNeeded = sentByBrowser(request.headers) && this.sessions.isSignedIn(request);
    if (tokenNeeded && !this.sessions.csrfTokenMatches(request, formField(body, 'csrf_token'))) {
      return sendPage(reply, 403, refusedPage('Sign-out refused: the form is out of date. Reload the panel and sign out again.'));
    }
    this.finishSignOut(reply);
  }

  @Get('admin.json')
  @UseGuards(AdminOrSignatureGuard)
  @Header('cache-control', 'no-store')
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiOperation({ summary: 'Server figures, channels and connected users (admin session or signature)' })
  @ApiOkResponse({ description: 'remembered_user_count, unique_user_count, total_connections, total_channels, total_messages, total_unique_messages, channels, users (with their channels), uptime, version, engine, nodes' })
  overviewGet() {
    return this.admin.overview();
  }

  @Post('admin.json')
  @HttpCode(200)
  @UseGuards(AdminOrSignatureGuard)
  @Header('cache-control', 'no-store')
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiOperation({ summary: 'Same as GET' })
  overviewPost() {
    return this.admin.overview();
  }

  @Get('load.json')
  @UseGuards(AdminOrSignatureGuard)
  @Header('cache-control', 'no-store')
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiQuery({ name: 'since', required: false, description: 'Only points after this time (epoch milliseconds).' })
  @ApiOperation({ summary: 'Load over the last ten minutes, one point every 2 s (admin session or signature)' })
  @ApiOkResponse({ description: '{now, interval_ms, points: [{at, connections, messages_per_second, delivered_per_second}]}' })
  loadHistory(@Query('since') since?: string) {
    const after = Number(since);
    return { now: Date.now(), interval_ms: LOAD_SAMPLE_INTERVAL_MS, points: this.load.points(Number.isFinite(after) ? after : 0) };
  }

  private finishSignOut(reply: FastifyReply): void {
    this.sessions.signOut(reply);
    reply.redirect('/admin/sign_in?signed_out=1', 302);
  }

  /** Secure cookies when the browser talks HTTPS to us or to the proxy in front, or HTTPS is required anyway. */
  private secureCookies(request: FastifyRequest): boolean {
    return isHttps(request) || this.settings.enforce_https || this.settings.http_scheme === 'https';
  }
}
