import { describe, expect, it } from '@jest/globals';
import { isCrossSite, sentByBrowser } from './request-origin';

describe('isCrossSite', () => {
  it('trusts Sec-Fetch-Site when the browser sends it', () => {
    expect(isCrossSite({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example', host: 'admin.example' })).toBe(false);
    expect(isCrossSite({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(isCrossSite({ 'sec-fetch-site': 'cross-site', origin: 'http://admin.example', host: 'admin.example' })).toBe(true);
    expect(isCrossSite({ 'sec-fetch-site': 'same-site' })).toBe(true);
  });

  it('otherwise compares Origin with the Host header (port included)', () => {
    expect(isCrossSite({ origin: 'http://127.0.0.1:8000', host: '127.0.0.1:8000' })).toBe(false);
    expect(isCrossSite({ origin: 'https://Admin.Example', host: 'admin.example' })).toBe(false);
    expect(isCrossSite({ origin: 'http://127.0.0.1:9999', host: '127.0.0.1:8000' })).toBe(true);
    expect(isCrossSite({ origin: 'https://evil.example', host: 'admin.example' })).toBe(true);
  });

  it('accepts the host a proxy forwarded', () => {
    expect(isCrossSite({ origin: 'https://admin.example', host: '10.0.0.5:8000', 'x-forwarded-host': 'admin.example' })).toBe(false);
  });

  it('refuses an opaque or malformed Origin', () => {
    expect(isCrossSite({ origin: 'null', host: 'admin.example' })).toBe(true);
    expect(isCrossSite({ origin: 'not a url', host: 'admin.example' })).toBe(true);
    expect(isCrossSite({ origin: 'file:///tmp/x.html', host: 'admin.example' })).toBe(true);
  });

  it('falls back to Referer without Origin (a GET navigation in an older browser)', () => {
    expect(isCrossSite({ referer: 'http://admin.example/admin', host: 'admin.example' })).toBe(false);
    expect(isCrossSite({ referer: 'https://evil.example/page', host: 'admin.example' })).toBe(true);
  });

  it('lets requests with none of these headers through (not sent by a cross-site page)', () => {
    expect(isCrossSite({ host: 'admin.example' })).toBe(false);
  });
});

describe('sentByBrowser', () => {
  it('recognises a browser by Origin or Sec-Fetch-Site', () => {
    expect(sentByBrowser({ origin: 'http://admin.example' })).toBe(true);
    expect(sentByBrowser({ 'sec-fetch-site': 'same-origin' })).toBe(true);
    expect(sentByBrowser({ host: 'admin.example', 'user-agent': 'curl/8' })).toBe(false);
  });
});
