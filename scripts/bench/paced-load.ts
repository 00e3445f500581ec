/**
 * An open-loop load generator at a constant arrival rate: request i is due at start + i / rate,
 * whether or not earlier answers came back, and its latency is counted from that due time (so a
 * stall anywhere, in the server or in this process, shows up in the figures instead of silently
 * lowering the rate: no coordinated omission). This is what "p99 at 1,000 requests/s" means.
 *
 * Why not autocannon alone: its `overallRate` is a per-second budget per connection, so each
 * connection sends its share of a second back to back as soon as answers arrive and then idles
 * until the next second; the server sees saturating bursts, not 1,000 evenly spaced requests per
 * second. (Its coordinated-omission correction also takes `ceil(1 / rate)` in seconds as the
 * expected interval in milliseconds, i.e. 1 ms, and adds synthetic samples for every answer slower
 * than that.) wrk2 and vegeta pace like this module, but are not on npm or in Debian.
 *
 * Requests go over a small keep-alive pool (undici); when every connection is busy a due request
 * waits in the pool's queue, and that wait counts in its latency.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { quantile } from './stats';

export interface PacedLoadOptions {
  url: string;
  paths: readonly string[];
  rate: number;
  durationS: number;
  connections: number;
  /** Sent at the same rate before measuring (connections opened, both sides' code warm); not counted. */
  warmupS: number;
  /** A body must contain this to count as an answer (e.g. `"allowed":`); otherwise it is a mismatch. */
  expectInBody?: string;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  max: number;
  mean: number;
}

export interface PacedLoadResult {
  tool: 'paced';
  /** From the moment each request was due to its whole answer: the figure to judge. */
  latency: Percentiles;
  /** From the moment each request was handed to the connection pool to its whole answer. */
  sendToAnswer: Percentiles;
  /** How late this process handed requests to the pool (its own timer and event-loop delay). */
  lateness: Percentiles;
  requests: { total: number; sent: number };
  durationS: number;
  achievedRate: number;
  ok: number;
  non2xx: number;
  mismatches: number;
  errors: number;
  distinctPaths: number;
  connections: number;
  warmupS: number;
  /** Wall-clock time (ms since the epoch) of the first measured request's due time, to line stalls up with logs. */
  startedAtEpochMs: number;
  /** Where the slow answers were: runs of answers over `stallMs`, by due time (s from the start). */
  stalls: Array<{ atS: number; requests: number; worstMs: number }>;
}

/** Answers slower than this are grouped into stalls (a blocked event loop delays a run of them). */
const STALL_MS = 20;

/** Exact percentiles (nearest rank, as `quantile`) of the recorded samples, in milliseconds. */
export function percentiles(samples: Float64Array): Percentiles {
  const values = Array.from(samples);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const at = (q: number) => round(quantile(values, q));
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p99_9: at(0.999), max: at(1), mean: round(values.reduce((sum, v) => sum + v, 0) / (values.length || 1)) };
}

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const pool = new Pool(new URL(options.url).origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  try {
    if (options.warmupS > 0) await run(pool, { ...options, durationS: options.warmupS });
    return await run(pool, options);
  } finally {
    await pool.close();
  }
}

async function run(pool: Pool, options: PacedLoadOptions): Promise<PacedLoadResult> {
  const intervalMs = 1000 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const fromDue = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const lateness = new Float64Array(total);
  let ok = 0;
  let non2xx = 0;
  let mismatches = 0;
  let errors = 0;
  let finished = 0;
  let issued = 0;
  let lastAnswerAt = 0;

  const start = performance.now() + 20;
  const done = new Promise<void>((resolve) => {
    const complete = (index: number, due: number, sentAt: number) => {
      const now = performance.now();
      fromDue[index] = now - due;
      fromSend[index] = now - sentAt;
      lastAnswerAt = now;
      if (++finished === total) resolve();
    };
    const send = (index: number) => {
      const due = start + index * intervalMs;
      const sentAt = performance.now();
      lateness[index] = Math.max(0, sentAt - due);
      // dispatch() with plain callbacks: no stream per answer, so this process stays far cheaper
      // per request than the server it measures (request() + body.text() cost it ~3× more CPU).
      let status = 0;
      let body = '';
      pool.dispatch(
        { method: 'GET', path: options.paths[index % options.paths.length]! },
        {
          onConnect: () => undefined,
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: (chunk) => {
            if (options.expectInBody !== undefined && body.length < 256) body += chunk.toString('latin1', 0, 256);
            return true;
          },
          onComplete: () => {
            if (status < 200 || status >= 300) non2xx++;
            else if (options.expectInBody !== undefined && !body.includes(options.expectInBody)) mismatches++;
            else ok++;
            complete(index, due, sentAt);
          },
          onError: () => {
            errors++;
            complete(index, due, sentAt);
          },
        },
      );
    };
    // Timers fire at ~1 ms granularity: each tick sends everything due by then, then sleeps until
    // the next due time (never a busy loop: the server shares these cores).
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (issued < due) send(issued++);
      if (issued < total) setTimeout(tick, Math.max(0, start + issued * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await done;
  const durationS = (lastAnswerAt - start) / 1000;
  const stalls: PacedLoadResult['stalls'] = [];
  for (let i = 0; i < total; i++) {
    if (fromDue[i]! <= STALL_MS) continue;
    const last = stalls[stalls.length - 1];
    const atS = Math.round(i * intervalMs) / 1000;
    if (last && atS - (last.atS + last.requests * intervalMs / 1000) < 0.1) {
      last.requests++;
      last.worstMs = Math.max(last.worstMs, Math.round(fromDue[i]!));
    } else stalls.push({ atS, requests: 1, worstMs: Math.round(fromDue[i]!) });
  }
  return {
    tool: 'paced',
    latency: percentiles(fromDue),
    sendToAnswer: percentiles(fromSend),
    lateness: percentiles(lateness),
    requests: { total: finished, sent: issued },
    durationS,
    achievedRate: finished / durationS,
    ok,
    non2xx,
    mismatches,
    errors,
    distinctPaths: options.paths.length,
    connections: options.connections,
    warmupS: options.warmupS,
    startedAtEpochMs: Math.round(Date.now() - (performance.now() - start)),
    stalls,
  };
}
