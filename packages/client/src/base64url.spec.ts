import { describe, expect, it } from '@jest/globals';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';

describe('base64url without Buffer', () => {
  it.each(['', 'f', 'fo', 'foo', 'channelstream', '{"c":{"lobby":["e1",3]}}', 'ünïcödé', '日本語のチャンネル', 'emoji 🎉 + / ?', '\u0000\u00ff'])(
    'encodes %j exactly as Node does and decodes it back',
    (text) => {
      const encoded = encodeBase64Url(text);
      expect(encoded).toBe(Buffer.from(text, 'utf8').toString('base64url'));
      expect(encoded).not.toMatch(/[+/=]/);
      expect(decodeBase64Url(encoded)).toBe(text);
    },
  );

  it.each(['not base64!', 'a', 'ab+c', 'ab/c', 'abc=', '_w'])('refuses %j', (garbage) => {
    expect(decodeBase64Url(garbage)).toBeUndefined();
  });
});
