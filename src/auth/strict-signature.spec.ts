import { describe, expect, it } from '@jest/globals';
import { canonicalRequest as sdkCanonical, StrictRequestSigner } from '../../packages/server-sdk/src/signers/strict-request-signer';
import { bodyDigest, canonicalRequest, macMatches, readStrictHeaders, strictSignature, STRICT_HEADERS } from './strict-signature';

const REQUEST = { method: 'post', path: '/message?x=1', timestamp: '1767225600', nonce: 'abcdefghijklmnop', body: '[{"user":"a"}]' };

describe('strict signatures', () => {
  it('sign one line per field, the body by its SHA-256', () => {
    expect(canonicalRequest(REQUEST)).toBe(`v1\nPOST\n/message?x=1\n1767225600\nabcdefghijklmnop\n${bodyDigest(REQUEST.body)}`);
    expect(bodyDigest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('are the HMAC-SHA256 of the canonical request, in hex after v1=', () => {
    // the same value Python gets: hmac.new(b"s3cret", canonical.encode(), hashlib.sha256).hexdigest()
    expect(strictSignature('s3cret', REQUEST)).toMatch(/^v1=[0-9a-f]{64}$/);
    const headers = readStrictHeaders({ [STRICT_HEADERS.signature]: strictSignature('s3cret', REQUEST), [STRICT_HEADERS.timestamp]: REQUEST.timestamp, [STRICT_HEADERS.nonce]: REQUEST.nonce });
    expect(headers.ok).toBe(true);
    if (!headers.ok) return;
    expect(macMatches('s3cret', canonicalRequest(REQUEST), headers.mac)).toBe(true);
    expect(macMatches('other', canonicalRequest(REQUEST), headers.mac)).toBe(false);
  });

  it('match what the server SDK signs', () => {
    const headers = new StrictRequestSigner('s3cret', { now: () => 1767225600_000, nonce: () => REQUEST.nonce }).headersFor({ method: 'POST', path: REQUEST.path, body: REQUEST.body });
    expect(headers).toEqual({
      [STRICT_HEADERS.timestamp]: REQUEST.timestamp,
      [STRICT_HEADERS.nonce]: REQUEST.nonce,
      [STRICT_HEADERS.signature]: strictSignature('s3cret', REQUEST),
    });
    expect(sdkCanonical('POST', REQUEST.path, REQUEST.timestamp, REQUEST.nonce, REQUEST.body)).toBe(canonicalRequest(REQUEST));
  });

  it.each([
    [{}, 'missing'],
    [{ [STRICT_HEADERS.signature]: 'v1=00' }, 'malformed'],
    [{ [STRICT_HEADERS.signature]: `v1=${'0'.repeat(64)}`, [STRICT_HEADERS.timestamp]: 'soon', [STRICT_HEADERS.nonce]: REQUEST.nonce }, 'malformed'],
    [{ [STRICT_HEADERS.signature]: `v1=${'0'.repeat(64)}`, [STRICT_HEADERS.timestamp]: '1', [STRICT_HEADERS.nonce]: 'bad nonce with spaces' }, 'malformed'],
    [{ [STRICT_HEADERS.signature]: `v2=${'0'.repeat(64)}`, [STRICT_HEADERS.timestamp]: '1', [STRICT_HEADERS.nonce]: REQUEST.nonce }, 'malformed'],
  ])('reads %j as %s', (headers, reason) => {
    expect(readStrictHeaders(headers)).toEqual({ ok: false, reason });
  });
});
