/**
 * The load generator, run as its own process (so it does not share an event loop with the
 * measuring script), against 127.0.0.1 only, cycling through a list of request paths (varied pod
 * pairs). Bounded in duration. Two tools:
 *   - "paced": requests evenly spaced at the rate, latency from each request's due time
 *     (scripts/bench/paced-load.ts; the figure the target is judged on);
 *   - "autocannon": autocannon's `overallRate`, which sends each second's budget per connection
 *     back to back and then idles (bursts at the server's full speed; kept for comparison).
 *
 *   node --import tsx scripts/bench/load-child.ts <config.json>
 *   config: { "tool": "paced", "url": "http://127.0.0.1:3917", "paths": ["/api/v1/..."], "rate": 1000, "duration": 15, "connections": 10, "warmup": 2 }
 *
 * Prints one JSON line with the summary.
 */
import fs from 'node:fs';
import { pacedLoad } from './paced-load';

export type LoadTool = 'paced' | 'autocannon';

interface LoadConfig {
  tool: LoadTool;
  url: string;
  paths: string[];
  rate: number;
  duration: number;
  connections: number;
  /** Seconds at the same rate before measuring (paced only). */
  warmup?: number;
}

// autocannon ships no TypeScript types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9?: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: Histogram & { total: number; sent: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

async function main(): Promise<void> {
  const config = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
  const host = new URL(config.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') throw new Error(`load tests go to loopback only, not ${host}`);
  if (config.tool === 'paced') {
    const result = await pacedLoad({
      url: config.url,
      paths: config.paths,
      rate: config.rate,
      durationS: config.duration,
      connections: config.connections,
      warmupS: config.warmup ?? 2,
      expectInBody: '"allowed":',
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  let next = 0;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    overallRate: config.rate,
    duration: config.duration,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (request: Record<string, unknown>) => ({ ...request, path: config.paths[next++ % config.paths.length] }),
      },
    ],
  });
  process.stdout.write(
    `${JSON.stringify({
      tool: 'autocannon',
      latency: result.latency,
      requests: { total: result.requests.total, sent: result.requests.sent, average: result.requests.average },
      durationS: result.duration,
      achievedRate: result.requests.total / result.duration,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      ok: result['2xx'],
      distinctPaths: config.paths.length,
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
