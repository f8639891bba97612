// Fan-out time inside the servers: from a publish to the server's last socket write, as each server times it
// (ours: the channelstream_websocket_batch_seconds histogram; the bare server: GET /fanout-ms). What the
// subscribers see adds the load generator's reading, which sets the tail on a small machine; this is the part a
// server controls. Both are reported as the same histogram (our bucket bounds) and read the same way.
import { sign } from './sign.mjs';
import { round } from './stats.mjs';

const BUCKET = /^channelstream_websocket_batch_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm;

/** Our cumulative fan-out histogram: [[upper bound in ms, batches at or under it], ...], ending at Infinity. */
export async function ourFanoutBuckets(url, secret) {
  const res = await fetch(`${url}/metrics`, { headers: { 'x-channelstream-secret': sign(secret) } });
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const buckets = [...(await res.text()).matchAll(BUCKET)].map(([, le, n]) => [le === '+Inf' ? Infinity : Number(le) * 1000, Number(n)]);
  if (buckets.length === 0) throw new Error('/metrics has no channelstream_websocket_batch_seconds');
  return buckets;
}

/** A timing probe for our node: mark() where the measured span starts, read() its histogram after. */
export function ourFanoutProbe(url, secret) {
  let before;
  return {
    async mark() {
      before = await ourFanoutBuckets(url, secret);
    },
    async read() {
      return (await ourFanoutBuckets(url, secret)).map(([le, n], i) => [le, n - before[i][1]]);
    },
  };
}

/** A timing probe for the bare server, its exact times put in buckets with our `bounds` (ms). */
export function bareFanoutProbe(url, bounds) {
  const samples = async () => (await fetch(`${url}/fanout-ms`)).json(); // what it timed since the last call
  return {
    async mark() {
      await samples();
    },
    async read() {
      const times = await samples();
      return bounds.map((le) => [le, times.filter((ms) => ms <= le).length]);
    },
  };
}

/** The q-quantile of a cumulative histogram, interpolated within its bucket (as Prometheus' histogram_quantile). */
function quantile(buckets, q) {
  const total = buckets.at(-1)[1];
  if (total === 0) return null;
  const rank = q * total;
  let [lower, below] = [0, 0];
  for (const [le, n] of buckets) {
    if (n >= rank) return le === Infinity ? lower : lower + ((le - lower) * (rank - below)) / (n - below || 1);
    [lower, below] = [le, n];
  }
  return lower;
}

export const summarizeBuckets = (buckets) => ({ count: buckets.at(-1)[1], p50: round(quantile(buckets, 0.5)), p99: round(quantile(buckets, 0.99)) });

/** Histograms of several runs as one (same bounds). */
export const addBuckets = (histograms) => histograms[0].map(([le], i) => [le, histograms.reduce((sum, h) => sum + h[i][1], 0)]);
