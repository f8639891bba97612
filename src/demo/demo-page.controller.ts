import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error';
import { ClientBundle } from './client-bundle';
import { DEMO_APP_SCRIPT } from './demo-app-script';
import { DEMO_PAGE } from './demo-page';

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** GET /demo (the page), /demo/app.js (its script) and /demo/client/** (the client package it imports). */
@ApiExcludeController()
@Controller('demo')
export class DemoPageController {
  constructor(private readonly bundle: ClientBundle) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(DEMO_PAGE);
  }

  @Get('app.js')
  script(@Res() reply: FastifyReply): void {
    reply.type(JAVASCRIPT).header('cache-control', 'no-cache').send(DEMO_APP_SCRIPT);
  }

  @Get('client/:file')
  clientFile(@Param('file') file: string, @Res() reply: FastifyReply): void {
    this.sendBundleFile(file, reply);
  }

  /** The client's modules import their own subfolder (./transports/…). */
  @Get('client/:dir/:file')
  clientSubfolderFile(@Param('dir') dir: string, @Param('file') file: string, @Res() reply: FastifyReply): void {
    this.sendBundleFile(`${dir}/${file}`, reply);
  }

  private sendBundleFile(path: string, reply: FastifyReply): void {
    const source = this.bundle.file(path);
    if (source === undefined) throw new ApiError(404, { request: 'Not Found' });
    reply.type(JAVASCRIPT).header('cache-control', 'no-cache').send(source);
  }
}
