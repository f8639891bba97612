import { HttpException } from '@nestjs/common';
import { REJECTION, type RejectionsService } from './rejections.service';
import { RequestValidationError } from './validation/request-validation.error';
import type { ErrorTree } from './validation/messages';

/**
 * Counts the refusals that are raised outside this server's own checks:
 * Fastify's body limit (413) and names of a wrong length (422). The checks
 * written here (limits, rates, origins, signatures) count where they refuse.
 */
export function countRefusal(rejections: RejectionsService, error: unknown): void {
  // Nest maps Fastify's error to an HttpException(413) on its way to the filter
  if ((error as { code?: unknown } | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (error instanceof HttpException && error.getStatus() === 413)) {
    rejections.count(REJECTION.bodyTooLarge);
  }
  else if (error instanceof RequestValidationError && hasLengthError(error.errors, 0)) rejections.count(REJECTION.nameLength);
}

function hasLengthError(tree: ErrorTree, depth: number): boolean {
  if (depth > 8) return false;
  for (const value of Object.values(tree)) {
    if (Array.isArray(value) ? value.some((m) => m.startsWith('Length must be between')) : hasLengthError(value, depth + 1)) return true;
  }
  return false;
}
