// WebSocket subscribers spread over worker threads (see subscriber-worker.mjs), driven by request/answer messages.
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./subscriber-worker.mjs', import.meta.url);

/**
 * Starts `workers` threads sharing `targets` ([{ wsUrl }]); call open() to connect them. `client` is what they
 * read with: 'lean' (lean-ws-reader.mjs, the default) or 'ws' (the ws library's client).
 */
export function subscriberPool(targets, workers = 2, client = 'lean') {
  // each thread gets a contiguous share, and the threads open theirs one after the other: a server writes its
  // sockets in the order it has them (ours in /connect order, the bare server in open order), so both write one
  // thread's sockets, then the next's. Dealt round-robin, ours wrote to the threads in strict alternation and the
  // bare server in runs: two readers sharing a core then switch between them more often under ours (perf:
  // finish_task_switch 2.8% of the load generator's core against 0.9%), and the lean reader took 8.1-8.8 µs of CPU
  // per delivery from ours against 7.4-7.5 from the bare server, pings off (2026-12-03)
  const share = Math.ceil(targets.length / workers);
  const threads = Array.from({ length: workers }, (_, w) => new Worker(WORKER, { workerData: { client, targets: targets.slice(w * share, (w + 1) * share) } }));
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
    async open() {
      for (const thread of threads) await ask(thread, 'open', 'opened');
    },
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
