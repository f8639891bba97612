import { describe, expect, it } from '@jest/globals';
import { ChannelstreamApiError } from './api-error.js';

describe(ChannelstreamApiError.name, () => {
  it.each([
    [401, { request: 'Bad Signature' }, 'bad-signature', false],
    [403, { request: 'Address not allowed' }, 'forbidden', false],
    [413, { request: 'Request body is too large' }, 'too-large', false],
    [429, { request: 'Too many messages from this address (publish_rate): slow down', retry_after: 2 }, 'rate-limited', true],
    [422, { username: ['Missing data for required field.'] }, 'validation', false],
    [503, { request: 'Service unavailable: state engine unreachable, retry shortly' }, 'unavailable', true],
    [500, { request: 'Internal Server Error' }, 'http', false],
  ])('%i is a %s error (retryable: %s)', (status, body, kind, retryable) => {
    const error = new ChannelstreamApiError(status, body, 'POST', '/connect');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status, body, kind, retryable, name: 'ChannelstreamApiError' });
  });

  it('offers the field errors of a 422 only', () => {
    const fields = { '0': { user: ['Missing data for required field.'] } };
    expect(new ChannelstreamApiError(422, fields, 'POST', '/message').fieldErrors).toEqual(fields);
    expect(new ChannelstreamApiError(401, { request: 'Bad Signature' }, 'POST', '/message').fieldErrors).toBeUndefined();
  });

  it('says what failed in its message, shortening long bodies', () => {
    expect(new ChannelstreamApiError(503, { request: 'Service unavailable' }, 'GET', '/info').message).toBe('GET /info answered 503: Service unavailable');
    const long = new ChannelstreamApiError(502, 'x'.repeat(1000), 'GET', '/info').message;
    expect(long.length).toBeLessThan(400);
  });
});
