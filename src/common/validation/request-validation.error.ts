import type { ErrorTree } from './messages';

/** A request body or query failed validation; answered 422 with the error tree as body. */
export class RequestValidationError extends Error {
  constructor(readonly errors: ErrorTree) {
    super('request validation failed');
  }

  static field(field: string, message: string): RequestValidationError {
    return new RequestValidationError({ [field]: [message] });
  }
}
