import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { SignatureGuard } from './signature.guard';

export const SIGNATURE_SCHEME = 'channelstream-signature';

/** Marks a route as a backend (server-to-server) call: signed, address-checked, documented as such. */
export const BackendApi = () =>
  applyDecorators(
    UseGuards(SignatureGuard),
    ApiSecurity(SIGNATURE_SCHEME),
    ApiForbiddenResponse({ description: 'Caller address not in allow_posting_from, or no signature' }),
    ApiUnauthorizedResponse({ description: 'Signature does not verify or has expired: {"request": "Bad Signature"}' }),
  );
