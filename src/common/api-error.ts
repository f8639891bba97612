/** An answer other than 200 with an exact JSON body (e.g. 401 {"request": "Bad Signature"}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.request === 'string' ? body.request : `HTTP ${status}`);
  }
}
