import type { EventSourceLike } from '../../packages/client/src/index.js';

/**
 * Just enough of the browser's EventSource, on Node's fetch, to drive the
 * client's SSE transport against the real server: open on a 200
 * text/event-stream, one `message` per `data:` block, `error` on anything
 * else or at the end of the stream. It does not reconnect (the client does).
 */
export class FetchEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string; lastEventId: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly controller = new AbortController();

  constructor(readonly url: string) {
    void this.run();
  }

  close(): void {
    this.readyState = 2;
    this.controller.abort();
  }

  private async run(): Promise<void> {
    try {
      const response = await fetch(this.url, { headers: { accept: 'text/event-stream' }, signal: this.controller.signal });
      if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel();
        return this.fail();
      }
      this.readyState = 1;
      this.onopen?.({});
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      this.fail();
    } catch {
      this.fail();
    }
  }

  private dispatch(block: string): void {
    const data: string[] = [];
    let id = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('id:')) id = line.slice(3).trim();
    }
    if (data.length > 0 && this.readyState === 1) this.onmessage?.({ data: data.join('\n'), lastEventId: id });
  }

  private fail(): void {
    if (this.readyState === 2) return;
    this.readyState = 2;
    this.onerror?.({});
  }
}
