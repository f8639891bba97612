import { acceptMessage, isRoutable } from './message-events';
import type { MessageDto } from './message.dto';
import { publishAnswer } from './publish-answer';

/** The body parsed and accepted as the route does, and the answer for it. */
function answerFor(body: string, itemsAsParsed = true) {
  const items = JSON.parse(body) as MessageDto[];
  const accepted = items.filter(isRoutable).map(acceptMessage);
  return { answer: publishAnswer(accepted, items, body, itemsAsParsed), accepted };
}

describe('publishAnswer', () => {
  // the body's own text is echoed for these: what a parser reads must be the accepted messages, defaults and all
  const echoed: Array<[string, string]> = [
    ['the common call', '[{"user":"u","channel":"room","message":{"text":"hi"}}]'],
    ['JSON whitespace anywhere', ' \r\n\t[ {"user" : "u",\n "channel":"room", "message": {"a": [1, 2.50, {"b": null}], "n": 1.5E3, "big": 12345678901234567890}} ]\n'],
    ['escapes, non-ASCII and an astral character', '[{"user":"\\u00fc\\n\\"x\\\\","channel":"r\\/m","message":{"t":"\\ud83d\\ude00 é 😀 \\u0000"}}]'],
    ['a private message with no channel', '[{"user":"u","pm_users":["a","b"],"message":{}}]'],
    ['channel null and pm_users', '[{"user":"u","channel":null,"pm_users":["a"]}]'],
    ['every delivery field given', '[{"no_history":true,"exclude_users":["x"],"pm_users":[],"channel":"c","user":"u"}]'],
    ['keys of its own, kept as sent', '[{"user":"u","channel":"c","type":"x","custom":{"k":[1,"2"]},"message":{"x":1}}]'],
    ['no message', '[{"user":"u","channel":"c"}]'],
    ['a repeated key (the last one counts, for JSON.parse as for the answer`s reader)', '[{"user":"a","channel":"c","user":"b"}]'],
  ];

  it.each(echoed)('echoes the item for %s, read back as the accepted message', (_, body) => {
    const { answer, accepted } = answerFor(body);
    const inner = body.trim().slice(1, -1).trim();
    expect(answer.startsWith(`[${inner.slice(0, -1)}`)).toBe(true);
    expect(JSON.parse(answer)).toEqual(JSON.parse(JSON.stringify(accepted)));
  });

  it('adds only the defaults the item left out, then uuid, timestamp and edited', () => {
    const { answer, accepted } = answerFor('[{"user":"u","pm_users":["a"]}]');
    expect(answer).toBe(
      `[{"user":"u","pm_users":["a"],"channel":null,"exclude_users":[],"no_history":false,"uuid":"${accepted[0].uuid}","timestamp":"${accepted[0].timestamp}","edited":null}]`,
    );
  });

  const serialized: Array<[string, string, boolean?]> = [
    ['an item with its own uuid (acceptance may respell it)', '[{"user":"u","channel":"c","uuid":"{12345678-1234-1234-1234-1234567890AB}"}]'],
    ['an item with its own timestamp (acceptance normalises it)', '[{"user":"u","channel":"c","timestamp":"2020-01-02 03:04"}]'],
    ['an item with edited (acceptance sets it to null)', '[{"user":"u","channel":"c","edited":"2020-01-02T03:04:05"}]'],
    ['several items', '[{"user":"u","channel":"c"},{"user":"v","channel":"c"}]'],
    ['an item dropped as unroutable', '[{"user":"u"}]'],
    ['items the fast schema did not take as they are', '[{"user":"u","channel":"c"}]', false],
  ];

  it.each(serialized)('serializes the accepted messages in full for %s', (_, body, itemsAsParsed = true) => {
    const { answer, accepted } = answerFor(body, itemsAsParsed);
    expect(answer).toBe(JSON.stringify(accepted));
  });

  it('serializes in full when the body text is not the parsed list (none kept)', () => {
    const items = [{ user: 'u', channel: 'c' }] as MessageDto[];
    const accepted = items.map(acceptMessage);
    expect(publishAnswer(accepted, items, '', true)).toBe(JSON.stringify(accepted));
  });
});
