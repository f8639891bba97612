import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { AdminSessionService } from './auth/admin-session.service';
import { SIGNATURE_SCHEME } from './auth/backend-api.decorator';
import { SIGNATURE_HEADER, SignatureGuard } from './auth/signature.guard';
import { MessagesService } from './messages/messages.service';
import { registerHttpMetrics } from './metrics/http-metrics';
import { loggerOptions } from './logging/logger-options';
import { PinoNestLogger } from './logging/pino-nest-logger';
import { isEnabled } from './logging/log-levels';
import { registerRequestLogging } from './logging/request-logging';
import { MetricsService } from './metrics/metrics.service';
import { documentPublishRoute } from './messages/publish.openapi';
import { registerPublishRoute } from './messages/publish.route';
import { openPublishLane } from './messages/publish-lane';
import { LaneServer } from './http/lane-server';
import { LeanWsAdapter } from './transports/lean-ws-adapter';
import { registerHttpPolicy } from './common/http-policy';
import { registerJsonBodies } from './common/json-body';
import type { Settings } from './config/settings';
import { VERSION } from './version';

const API_EXPLORER = 'api-explorer';

const LOG_LEVELS: Record<Settings['log_level'], LogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
  info: ['fatal', 'error', 'warn', 'log'],
  warning: ['fatal', 'error', 'warn'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
  critical: ['fatal'],
};

/** Builds the whole application (main.ts and the e2e tests use this same function). */
export async function createApp(settings: Settings, logLevels?: LogLevel[]): Promise<NestFastifyApplication> {
  const lanes = new LaneServer();
  const adapter = new FastifyAdapter({
    bodyLimit: settings.max_body_size,
    trustProxy: false,
    logger: loggerOptions(settings, logLevels ? pinoLevelOf(logLevels) : undefined),
    // requests are logged at debug level by our own hook: info-level lines per publish would cost more than the publish
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    serverFactory: lanes.factory as never,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(settings), adapter, {
    logger: logLevels ?? LOG_LEVELS[settings.log_level],
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(new PinoNestLogger(app.getHttpAdapter().getInstance().log));
  await configureApp(app, settings, lanes);
  return app;
}

/** The pino level matching a list of Nest levels (the most detailed one in it). */
function pinoLevelOf(levels: LogLevel[]): string {
  for (const [nest, pino] of [['verbose', 'trace'], ['debug', 'debug'], ['log', 'info'], ['warn', 'warn'], ['error', 'error']] as const) {
    if (levels.includes(nest)) return pino;
  }
  return 'fatal';
}

export async function configureApp(app: NestFastifyApplication, settings: Settings, lanes: LaneServer): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpPolicy(fastify, settings);
  registerJsonBodies(fastify);
  await app.register(fastifyFormbody as never);
  await app.register(fastifyCookie as never, { secret: settings.cookie_secret } as never);
  app.useWebSocketAdapter(new LeanWsAdapter(app, { messageParser: () => undefined }));
  // POST /message over the network takes the publish lane; app.inject (tests) reaches this same route here
  registerPublishRoute(fastify, app.get(SignatureGuard), app.get(MessagesService));
  registerHttpMetrics(fastify, app.get(MetricsService));
  registerRequestLogging(fastify);
  // at debug level each request is logged and its context kept: publishes then take the application's instance too
  if (!isEnabled(fastify.log, 'debug')) await openLane(fastify, settings, lanes, app);
  app.enableShutdownHooks();
  setUpApiExplorer(app);
}

/** The publish lane (see publish-lane.ts), open from now until the application starts to close. */
async function openLane(fastify: FastifyInstance, settings: Settings, lanes: LaneServer, app: NestFastifyApplication): Promise<void> {
  const publish = await openPublishLane({
    settings,
    logger: fastify.log,
    guard: app.get(SignatureGuard),
    messages: app.get(MessagesService),
    metrics: app.get(MetricsService),
  });
  lanes.open(publish.lane);
  // from the start of shutdown on, publishes get the application's answer (Nest's 503 while closing)
  fastify.addHook('preClose', (done) => {
    lanes.close();
    done();
  });
  fastify.addHook('onClose', (_instance, done) => void publish.instance.close().then(() => done(), done));
}

/** Swagger UI at /api-explorer (document at /api-explorer/openapi.json), for signed-in admins only. */
function setUpApiExplorer(app: NestFastifyApplication): void {
  const sessions = app.get(AdminSessionService);
  app.getHttpAdapter().getInstance().addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.url.startsWith(`/${API_EXPLORER}`) && !sessions.isSignedIn(request)) return void reply.redirect('/admin/sign_in', 302);
    done();
  });
  const config = new DocumentBuilder()
    .setTitle('Channelstream API')
    .setDescription(
      'Channelstream-compatible real-time server. Backend endpoints need a signature in the ' +
        `\`${SIGNATURE_HEADER}\` header: itsdangerous TimestampSigner(secret).sign(value), valid 60 s. ` +
        'Clients listen on /ws?conn_id= (WebSocket), /listen?conn_id= (long polling) or /sse?conn_id= (Server-Sent Events) ' +
        'with the conn_id from /connect. Resume: with positions=1 every event carries the offset and epoch of its stream ' +
        '(its channel, or the user\'s private stream); reconnecting with since=<token> (base64url of ' +
        '{"c": {channel: [epoch, offset]}, "u": [epoch, offset]}; SSE ids are such tokens, and Last-Event-ID is honoured) ' +
        'replays exactly the missed events with catchup: true, or sends {"type": "recovery", "recovered": false} for a ' +
        'stream that cannot be recovered. A dropped connection stays resumable for resume_grace seconds.',
    )
    .setVersion(VERSION)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: SIGNATURE_HEADER, description: 'itsdangerous TimestampSigner token, e.g. TimestampSigner(secret).sign("channelstream")' },
      SIGNATURE_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentPublishRoute(document);
  SwaggerModule.setup(API_EXPLORER, app, document, { jsonDocumentUrl: `${API_EXPLORER}/openapi.json` });
}
