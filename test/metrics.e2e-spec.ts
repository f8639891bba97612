import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, connect, freePort, send, startApp, uniq, WsClient, attached, type TestApp } from './helpers';

describe('Prometheus metrics', () => {
  let t: TestApp;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startApp({ metrics_port: metricsPort, metrics_host: '127.0.0.1' }, true);
  });
  afterAll(() => t.close());

  it('refuses /metrics on the main port without a session or signature', async () => {
    expect((await api(t, 'GET', '/metrics', undefined, { signed: false })).status).toBe(403);
  });

  it('serves the server figures, REST counts and Node defaults to a signed call', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const ws = await WsClient.connectTo(t, conn.conn_id);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    await ws.nextEvents(1);
    await api(t, 'POST', '/connect', {}, { headers: { 'x-channelstream-secret': 'bad' }, signed: false });
    const res = await api(t, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const text = res.text;
    expect(text).toMatch(/^channelstream_transports\{transport="websocket"\} 1$/m);
    expect(text).toMatch(/^channelstream_connections \d+$/m);
    expect(text).toMatch(/^channelstream_messages_published_total [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_messages_delivered_total [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_http_requests_total\{method="POST",route="\/connect",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_http_requests_total\{method="POST",route="\/message",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_signature_failures_total [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/connect"\} \d+$/m);
    expect(text).toContain('channelstream_process_nodejs_eventloop_lag_seconds');
    expect(text).toContain('channelstream_engine_calls_total');
    expect(text).toMatch(/^channelstream_deliveries_dropped_total 0$/m);
    // the message went out to the socket in a timed write batch
    expect(text).toMatch(/^channelstream_websocket_batch_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_websocket_batch_seconds_bucket\{le="2\.5"\} [1-9]\d*$/m);
    expect(text).toMatch(/^channelstream_rejections_total\{reason="signature_bad"\} [1-9]\d*$/m);
    ws.close();
  });

  it('serves /metrics without sign-in on the private metrics listener, and nothing else there', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('channelstream_connections');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/connect`)).status).toBe(404);
  });
});
