// Worker thread: opens WebSocket subscribers and measures delivery latency (send time is in the payload).
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { targets } = workerData; // [{ wsUrl }]
const sockets = [];
let received = 0;
let latencies = [];
let lastAt = 0;

/** Counts events and reads their send time without parsing the whole frame (keeps the load generator light). */
function onFrame(data) {
  const now = performance.timeOrigin + performance.now();
  const text = data.toString();
  if (text === '[]') return;
  let at = text.indexOf('"sent":');
  while (at >= 0) {
    const sent = parseFloat(text.slice(at + 7, at + 40));
    received++;
    lastAt = now;
    if (latencies.length < 200000) latencies.push(now - sent);
    at = text.indexOf('"sent":', at + 7);
  }
}

async function openAll() {
  let index = 0;
  const next = async () => {
    while (index < targets.length) {
      const { wsUrl } = targets[index++];
      await new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
        ws.on('message', onFrame);
        ws.once('open', resolve);
        ws.once('error', reject);
        sockets.push(ws);
      });
    }
  };
  await Promise.all(Array.from({ length: 50 }, next));
}

parentPort.on('message', async (msg) => {
  if (msg === 'open') {
    await openAll();
    parentPort.postMessage({ type: 'opened', count: sockets.length });
  } else if (msg === 'report') {
    parentPort.postMessage({ type: 'report', received, lastAt, latencies });
    received = 0;
    latencies = [];
  } else if (msg === 'close') {
    for (const ws of sockets) ws.terminate();
    parentPort.postMessage({ type: 'closed' });
  }
});
