import { Global, Module } from '@nestjs/common';
import { AdminOrSignatureGuard } from './admin.guard';
import { AdminSessionService } from './admin-session.service';
import { SignatureGuard } from './signature.guard';

/** Who may call what: backend signatures and the admin session. */
@Global()
@Module({
  providers: [SignatureGuard, AdminSessionService, AdminOrSignatureGuard],
  exports: [SignatureGuard, AdminSessionService, AdminOrSignatureGuard],
})
export class AuthModule {}
