/** An answer other than 200 with an exact JSON body (e.g. 401 {"request": "Bad Signature"}), and any headers it needs (Retry-After). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(typeof body.request === 'string' ? body.request : `HTTP ${status}`);
  }
}
