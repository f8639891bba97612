// WebSocket subscribers spread over worker threads (see subscriber-worker.mjs), driven by request/answer messages.
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./subscriber-worker.mjs', import.meta.url);

/** Starts `workers` threads sharing `targets` ([{ wsUrl }]); call open() to connect them. */
export function subscriberPool(targets, workers = 2) {
  const threads = Array.from({ length: workers }, (_, w) => new Worker(WORKER, { workerData: { targets: targets.filter((_, i) => i % workers === w) } }));
  const ask = (worker, msg, type) =>
    new Promise((resolve) => {
      const onMessage = (reply) => {
        if (reply.type === type) {
          worker.off('message', onMessage);
          resolve(reply);
        }
      };
      worker.on('message', onMessage);
      worker.postMessage(msg);
    });
  const all = (msg, type) => Promise.all(threads.map((w) => ask(w, msg, type)));
  return {
    open: () => all('open', 'opened'),
    /** Counts only frames sent at or after `at` (epoch ms): what was sent before is warm-up. */
    countFrom: (at) => all({ countFrom: at }, 'counting'),
    /** What each thread received since its last report: { received, pings, lastAt, latencies }. */
    report: () => all('report', 'report'),
    async close() {
      await all('close', 'closed');
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}
