import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminSessionService } from './admin-session.service';
import { SignatureGuard } from './signature.guard';

/** /admin/admin.json: an admin session, or a valid backend signature. */
@Injectable()
export class AdminOrSignatureGuard implements CanActivate {
  constructor(
    private readonly sessions: AdminSessionService,
    private readonly signature: SignatureGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.sessions.isSignedIn(request)) return true;
    const pending = this.signature.check(request);
    return pending ? pending.then(() => true) : true;
  }
}
