import { HttpException } from '@nestjs/common';
import { EngineUnavailableError } from '../engine/engine-errors';
import { ApiError } from './api-error';
import { MSG } from './validation/messages';
import { RequestValidationError } from './validation/request-validation.error';

export interface ErrorResponse {
  status: number;
  body: unknown;
  /** Extra headers of the answer (Retry-After on 429). */
  headers?: Record<string, string>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const BODY_ERRORS = new Set([
  'FST_ERR_CTP_INVALID_JSON',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
]);

/**
 * Every error as this server answers it: 422 {field: [messages]} for bad
 * input, {"request": "..."} for the rest, 500 only for real bugs.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof RequestValidationError) return { status: 422, body: error.errors };
  if (error instanceof ApiError) return { status: error.status, body: error.body, headers: error.headers };
  if (error instanceof EngineUnavailableError) return { status: 503, body: { request: 'Service unavailable: state engine unreachable, retry shortly' } };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: { request: status === 404 ? 'Not Found' : error.message } };
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (e.code && BODY_ERRORS.has(e.code)) return { status: 422, body: { _schema: [`${MSG.invalidInput} ${e.message ?? ''}`.trim()] } };
  if (error instanceof SyntaxError || /prototype property/i.test(e.message ?? '')) {
    return { status: 422, body: { _schema: [`${MSG.invalidInput} ${e.message ?? ''}`.trim()] } };
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, body: { request: 'Request body is too large' } };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, body: { _schema: ['Unsupported content type: send application/json'] } };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { request: e.message ?? 'Bad Request' } };
  }
  return { status: 500, body: { request: 'Internal Server Error' } };
}
