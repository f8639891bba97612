// Worker thread: opens WebSocket subscribers and measures delivery latency (send time is in the payload).
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { openLeanReader } from './lean-ws-reader.mjs';

const { targets, client } = workerData; // [{ wsUrl }], 'lean' or 'ws' (see subscriberPool)
const sockets = [];
let received = 0;
/** Liveness pings received while counting (the server's, not events). */
let pings = 0;
let latencies = [];
let lastAt = 0;
/** Frames sent before this (epoch ms) are warm-up: not counted. */
let countFrom = -Infinity;

const HEARTBEAT = Buffer.from('[]');
const SENT = Buffer.from('"sent":');

/**
 * Counts events and reads their send time without decoding or parsing the
 * frame (searched in the bytes): the load generator must stay light, and
 * its cost must not grow with the size of a server's events.
 */
function onFrame(data) {
  const now = performance.timeOrigin + performance.now();
  if (data.length === 2 && data.equals(HEARTBEAT)) return;
  let at = data.indexOf(SENT);
  while (at >= 0) {
    const sent = parseFloat(data.toString('latin1', at + 7, at + 32));
    at = data.indexOf(SENT, at + 7);
    if (sent < countFrom) continue;
    received++;
    lastAt = now;
    if (latencies.length < 200000) latencies.push(now - sent);
  }
}

function onPing() {
  if (performance.timeOrigin + performance.now() >= countFrom) pings++;
}

/** A subscriber on the `ws` client: more CPU per frame than the lean reader (lean-ws-reader.mjs). */
function openWs(wsUrl) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    ws.on('message', onFrame);
    ws.on('ping', onPing);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function openAll() {
  let index = 0;
  const next = async () => {
    while (index < targets.length) {
      const { wsUrl } = targets[index++];
      sockets.push(client === 'ws' ? await openWs(wsUrl) : await openLeanReader(wsUrl, { onFrame, onPing }));
    }
  };
  await Promise.all(Array.from({ length: 50 }, next));
}

parentPort.on('message', async (msg) => {
  if (msg.countFrom !== undefined) {
    countFrom = msg.countFrom;
    parentPort.postMessage({ type: 'counting' });
  } else if (msg === 'open') {
    await openAll();
    parentPort.postMessage({ type: 'opened', count: sockets.length });
  } else if (msg === 'report') {
    parentPort.postMessage({ type: 'report', received, pings, lastAt, latencies });
    received = 0;
    pings = 0;
    latencies = [];
  } else if (msg === 'close') {
    for (const ws of sockets) ws.terminate();
    parentPort.postMessage({ type: 'closed' });
  }
});
