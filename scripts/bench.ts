/**
 * `npm run bench`: performance of policy verdicts (issue "Policy verdicts", §5). See BENCHMARKS.md.
 *
 *   npm run bench                                   everything (engine sizes, then end to end)
 *   npm run bench -- --sizes 1k,10k --skip-e2e      engine only, two sizes
 *   npm run bench -- --skip-engine --e2e-size 10kx1k
 *
 * Flags:
 *   --sizes LIST        engine sizes, PODSxPOLICIES (1kx1k,10kx1k); a bare N means N pods ×
 *                       min(N, 10k) policies (1k → 1k×1k, 10k → 10k×10k, 100k → 100k×10k).
 *                       Default: 1kx1k,10kx1k,10kx10k,100kx10k
 *   --repeat N          runs per size with ≤ 10k pods (default 3; 1 above); a run slower than
 *                       --repeat-cutoff seconds (default 60) is not repeated. Medians are reported.
 *   --timeout S         a run slower than this is killed and reported as missed (default 120)
 *   --seed N            cluster seed (default 1): same seed → same clusters
 *   --evals N           random pairs for evaluate() latency (default 10000)
 *   --heap-mb N         --max-old-space-size for the engine processes (default: Node's own)
 *   --cpu-prof DIR      write a V8 CPU profile of each engine run into DIR
 *   --skip-engine, --skip-e2e, --skip-routing, --skip-whatif
 *   --whatif-size S     cluster of the what-if part (default 10kx1k): ChangesService in a fresh
 *                       process (scripts/bench/whatif.ts); --whatif-repeat N what-ifs of each kind
 *                       (default 5); --whatif-no-verify skips the check against the full method
 *   --whatifs N         what-if requests timed in the end-to-end part (default 5; 0: none)
 *   --e2e-size S        cluster of the end-to-end part (default 10kx1k; see BENCHMARKS.md)
 *   --e2e-fallback S    size measured end to end when --e2e-size yields no snapshot (default 1kx1k; "none")
 *   --changes N         one-policy changes to time (default 5), within --change-budget S (default 300)
 *   --rate R --duration S --connections C   reachability load (default 1000 req/s, 15 s, 10)
 *   --load-tools LIST   load generators, run in turn (default paced,autocannon; the first is judged):
 *                       paced = evenly spaced requests, latency from each one's due time
 *                       (scripts/bench/paced-load.ts); autocannon = its per-second-budget rate
 *   --load-rounds N     runs of the paced generator, each --duration long (default 3; the median
 *                       of their p99 is judged)
 *   --port P            API port (default 3917, or a free one)
 *   --json FILE         also write every figure as JSON
 *
 * Every engine size runs in a fresh child process (scripts/bench/engine-child.ts) so that the
 * peak RSS (`process.resourceUsage().maxRSS`) belongs to that size alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatCount, parseCount } from './bench/cluster-gen';
import { runE2e, type E2eResult } from './bench/e2e';
import { runWhatIf, whatIfTables } from './bench/whatif';
import { fmtMb, fmtMs, median, table } from './bench/stats';

const repoRoot = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
function opt(name: string, fallback: string): string;
function opt(name: string): string | undefined;
function opt(name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

interface Size {
  pods: number;
  policies: number;
  label: string;
}

function parseSize(text: string): Size {
  const [p, n] = text.toLowerCase().split(/[x×:]/);
  const pods = parseCount(p!);
  const policies = n !== undefined ? parseCount(n) : Math.min(pods, 10_000);
  return { pods, policies, label: `${formatCount(pods)} × ${formatCount(policies)}` };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// ---- engine runs ------------------------------------------------------------------------------

interface EngineRun {
  ok: boolean;
  /** Why it did not finish: timeout, out of memory, crash. */
  failure?: string;
  /** The stage in progress when it was cut off. */
  cutStage?: string;
  wallMs: number;
  stages: Record<string, number>;
  stageCpu: Record<string, number>;
  done?: any;
  maxRssMb?: number;
  /** Peak RSS once the policy model was built (before the connection list). */
  answerableRssMb?: number;
}

function runEngine(size: Size, options: { timeoutS: number; seed: number; evals: number; heapMb?: string; cpuProf?: string }): Promise<EngineRun> {
  const nodeArgs = ['--import', 'tsx'];
  if (options.heapMb) nodeArgs.push(`--max-old-space-size=${options.heapMb}`);
  if (options.cpuProf) {
    fs.mkdirSync(options.cpuProf, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProf)}`, `--cpu-prof-name=engine-${size.pods}x${size.policies}-${Date.now()}.cpuprofile`);
  }
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(__dirname, 'bench', 'engine-child.ts'), '--pods', String(size.pods), '--policies', String(size.policies), '--seed', String(options.seed), '--evals', String(options.evals)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: EngineRun = { ok: false, wallMs: 0, stages: {}, stageCpu: {} };
  const started = performance.now();
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let event: any;
      try {
        event = JSON.parse(line);
      } catch {
        continue;
      }
      if (event.event === 'start') run.cutStage = event.stage;
      else if (event.event === 'stage') {
        run.stages[event.stage] = event.ms;
        if (event.cpuMs !== undefined) run.stageCpu[event.stage] = event.cpuMs;
        if (event.maxRssMb !== undefined) run.maxRssMb = Math.max(run.maxRssMb ?? 0, event.maxRssMb);
        if (event.stage === 'policyModel') run.answerableRssMb = event.maxRssMb;
        run.cutStage = undefined;
      } else if (event.event === 'done') run.done = event;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // Peak RSS from the kernel (VmHWM), sampled from outside: the child's event loop is busy in
  // synchronous stages, and a run that is cut off still has a peak to report.
  const sampler = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) run.maxRssMb = Math.max(run.maxRssMb ?? 0, Number(hwm[1]) / 1024);
    } catch {
      // not Linux, or the process is gone
    }
  }, 250);
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.timeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(sampler);
      run.wallMs = performance.now() - started;
      if (run.done && code === 0) run.ok = true;
      else if (killed) run.failure = `cut off after ${options.timeoutS} s`;
      else if (/heap out of memory|Allocation failed/i.test(stderr)) run.failure = 'out of memory (V8 heap limit)';
      else run.failure = `exited with ${signal ?? `code ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
      resolve(run);
    });
  });
}

interface SizeResult {
  size: Size;
  runs: EngineRun[];
}

const med = <R>(runs: readonly R[], pick: (r: R) => number | undefined): number | undefined => {
  const values = runs.map(pick).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  return values.length ? median(values) : undefined;
};

function engineTables(results: SizeResult[]): string {
  const out: string[] = [];
  const recomputeRows = results.map(({ size, runs }) => {
    const ok = runs.filter((r) => r.ok);
    const d = ok[0]?.done;
    if (ok.length === 0) {
      const r = runs[0]!;
      const partial = ['clusterModel', 'policyModel', 'connectionList'].map((s) => (r.stages[s] !== undefined ? fmtMs(r.stages[s]) : s === r.cutStage ? `> ${fmtMs(r.wallMs - Object.values(r.stages).reduce((a, b) => a + b, 0))} (cut)` : '–'));
      return [size.label, '–', '–', '–', ...partial, `**${r.failure}** (in ${r.cutStage ?? '?'})`, r.maxRssMb !== undefined ? `≥ ${fmtMb(r.maxRssMb)}` : '–', '–', String(runs.length)];
    }
    return [
      size.label,
      String(d.workloads),
      String(d.classes),
      String(d.rows),
      fmtMs(med(ok, (r) => r.done.stages.clusterModel)),
      fmtMs(med(ok, (r) => r.done.stages.policyModel)),
      fmtMs(med(ok, (r) => r.done.stages.connectionList)),
      `**${fmtMs(med(ok, (r) => r.done.recomputeMs))}**`,
      fmtMb(med(ok, (r) => r.done.peakRssMb)),
      fmtMb(med(ok, (r) => r.done.afterGenerateRssMb)),
      `${ok.length}`,
    ];
  });
  out.push(
    '### Full recompute (worker path), medians',
    '',
    table(['pods × policies', 'workloads', 'pod classes', 'connection rows', 'cluster model (pods)', 'policy model build', 'connection list', 'total recompute', 'peak RSS', 'RSS before recompute', 'runs'], recomputeRows),
    '',
  );

  const cpuRows = results
    .filter(({ runs }) => runs.some((r) => r.ok))
    .map(({ size, runs }) => {
      const ok = runs.filter((r) => r.ok);
      const total = (r: EngineRun) => r.done.cpuMs.clusterModel + r.done.cpuMs.policyModel + r.done.cpuMs.connectionList;
      const share = (stage: string) => `${Math.round((100 * med(ok, (r) => r.done.stages[stage])!) / med(ok, (r) => r.done.recomputeMs)!)} %`;
      return [
        size.label,
        fmtMs(med(ok, (r) => r.done.cpuMs.clusterModel)),
        fmtMs(med(ok, (r) => r.done.cpuMs.policyModel)),
        fmtMs(med(ok, (r) => r.done.cpuMs.connectionList)),
        fmtMs(med(ok, total)),
        `${share('clusterModel')} / ${share('policyModel')} / ${share('connectionList')}`,
        `${med(ok, (r) => r.done.snapshotMb.model)?.toFixed(1)} MB + ${Number.isNaN(ok[0]!.done.snapshotMb.connections) || ok[0]!.done.snapshotMb.connections === null ? '(too large for one string)' : `${med(ok, (r) => r.done.snapshotMb.connections)?.toFixed(1)} MB`}`,
        ok.map((r) => r.done.loadAvg.toFixed(1)).join(', '),
      ];
    });
  out.push(
    '### CPU time per stage (user + system, medians) and where the time goes',
    '',
    table(['pods × policies', 'cluster model CPU', 'policy model CPU', 'connection list CPU', 'total CPU', 'wall share model / build / list', 'snapshot JSON (model + connections)', 'load avg at runs'], cpuRows),
    '',
  );

  const apiRows = results
    .filter(({ runs }) => runs.some((r) => r.ok && r.done.api))
    .map(({ size, runs }) => {
      const ok = runs.filter((r) => r.ok && r.done.api);
      return [
        size.label,
        fmtMs(med(ok, (r) => r.done.api.buildMs)),
        fmtMs(med(ok, (r) => r.done.api.rebuildMs)),
        fmtMs(med(ok, (r) => r.done.api.evaluate.p50Ms)),
        fmtMs(med(ok, (r) => r.done.api.evaluate.p99Ms)),
        fmtMs(med(ok, (r) => r.done.api.evaluate.maxMs)),
        `${Math.round(100 * med(ok, (r) => r.done.api.evaluate.allowedShare)!)} %`,
        String(ok[0]!.done.api.evaluate.n),
      ];
    });
  out.push(
    '### API side, in process: policy model build per revision and one `evaluate()`',
    '',
    table(['pods × policies', 'policyModelOf (stored model)', '… after a policy change (pods held)', 'evaluate p50', 'evaluate p99', 'evaluate max', 'allowed', 'pairs'], apiRows),
    '',
  );
  return out.join('\n');
}

/** One line, bounded: Prisma errors span lines. */
const oneLine = (text: string | undefined, max = 220): string | undefined => {
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '/').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

function e2eTables(e: E2eResult, label: string): string {
  const out: string[] = [];
  const changes = e.change;
  out.push(
    `### End to end at ${label} (built API + worker, Postgres, Redis)`,
    '',
    table(
      ['measure', 'median', 'n', 'notes'],
      [
        ['initial apply (one POST, all objects)', fmtMs(e.applyMs), '1', `${e.objects} objects, ${e.bodyMb.toFixed(1)} MB JSON`],
        ...(e.reapplyMs !== undefined ? [['the same apply again, every object changed (after the load)', fmtMs(e.reapplyMs), '1', 'one label added to every object']] : []),
        ['initial snapshot after the apply was sent', e.initialComputeMs !== undefined ? fmtMs(e.initialComputeMs) : `**${oneLine(e.initialError)}**`, '1', `worker durationMs ${e.initialWorkerMs ?? '–'}`],
        ['**one policy change → snapshot**', changes ? `**${fmtMs(changes.medianMs)}**` : '–', String(changes?.n ?? 0), `samples: ${e.changes.map((c) => `${fmtMs(c.totalMs)}${c.timedOut ? ' (cut)' : ''}`).join(', ') || '–'}`],
        ['… committed, as Postgres shows it', changes?.medianCommittedMs !== undefined ? fmtMs(changes.medianCommittedMs) : '–', String(changes?.n ?? 0), `samples: ${e.changes.map((c) => (c.committedMs !== undefined ? fmtMs(c.committedMs) : '–')).join(', ')}`],
        ['… of which the apply request', changes ? fmtMs(changes.medianApplyMs) : '–', String(changes?.n ?? 0), ''],
        ['… of which the worker `durationMs`', changes?.medianWorkerMs !== undefined ? fmtMs(changes.medianWorkerMs) : '–', String(changes?.n ?? 0), 'compute only, from "ClusterSnapshot"'],
        ['one policy change → first answer at the new revision', changes?.medianAnsweredMs !== undefined ? fmtMs(changes.medianAnsweredMs) : '–', String(changes?.n ?? 0), 'includes the API loading the snapshot and building its model'],
        ['first reachability query of a revision', fmtMs(e.warmupQueryMs), '1', 'loads the snapshot and builds the API model'],
        ['second reachability query', fmtMs(e.secondQueryMs), '1', ''],
        ['wait before the load for the connection list and audit', fmtMs(e.settleMs), '1', "the worker's after-commit work, so the load meets a quiet cluster"],
        ...(e.whatIf
          ? [
              ['first what-if of a revision (one changed policy)', fmtMs(e.whatIf.firstMs), '1', 'includes the audit of the snapshot (once per revision; loading it too if no query did)'],
              ['**what-if, one changed policy**', `**${fmtMs(e.whatIf.medianMs)}**`, String(e.whatIf.n), `p90 ${fmtMs(e.whatIf.p90Ms)}; samples: ${e.whatIf.samples.map(fmtMs).join(', ')}`],
            ]
          : e.whatIfError
            ? [['what-if', `**${oneLine(e.whatIfError)}**`, '0', '']]
            : []),
      ],
    ),
    '',
  );
  if (e.loads.length > 0) {
    type P = { p50: number; p99: number; p99_9?: number; max: number };
    out.push(
      table(
        ['reachability under load', 'p50', 'p99', 'p99.9', 'max', 'p99 from send', 'sender lateness p99', 'achieved rate', 'requests', 'non-2xx / errors'],
        e.loads.map(({ tool, round, client: l }) => {
          const send = l.sendToAnswer as P | undefined;
          const late = l.lateness as P | undefined;
          const name =
            tool === 'paced'
              ? `paced round ${round}, from due time (${l.distinctPaths} pod pairs, ${l.connections} connections)`
              : `autocannon (${l.distinctPaths} pod pairs; per-second bursts, its own omission correction)`;
          return [
            name,
            fmtMs(l.latency.p50),
            tool === 'paced' ? `**${fmtMs(l.latency.p99)}**` : fmtMs(l.latency.p99),
            fmtMs(l.latency.p99_9),
            fmtMs(l.latency.max),
            send ? fmtMs(send.p99) : '–',
            late ? fmtMs(late.p99) : '–',
            `${Math.round(l.achievedRate)} req/s`,
            String(l.requests.total),
            `${l.non2xx} / ${l.errors}${typeof l.mismatches === 'number' && l.mismatches ? ` (${l.mismatches} unexpected bodies)` : ''}`,
          ];
        }),
      ),
      '',
    );
    const buckets = e.loads.find((run) => run.serverSide)?.serverSide;
    if (buckets) {
      const bounds = Object.keys(buckets.withinMs).sort((x, y) => Number(x) - Number(y));
      out.push(
        table(
          ['the same requests, timed by the API (/metrics)', ...bounds.map((ms) => `≤ ${ms} ms`)],
          e.loads
            .filter((run) => run.serverSide)
            .map(({ tool, round, serverSide }) => [`${tool}${tool === 'paced' ? ` round ${round}` : ''}: ${serverSide!.requests} answers`, ...bounds.map((ms) => `${(100 * (serverSide!.withinMs[ms] ?? 0)).toFixed(2)} %`)]),
        ),
        '',
      );
    }
  }
  if (e.loadError) out.push(`Reachability load: **${oneLine(e.loadError)}**`, '');
  return out.join('\n');
}

function verdicts(results: SizeResult[], e2eRuns: Array<{ label: string; result: E2eResult }>, rate: number): string {
  const find = (pods: number, policies: number) => results.find((r) => r.size.pods === pods && r.size.policies === policies);
  const rows: string[][] = [];
  const dominant = (r: EngineRun) => {
    const s = r.ok ? r.done.stages : r.stages;
    if (!r.ok && r.cutStage) return `${r.cutStage} (cut off in it)`;
    const [name, ms] = Object.entries(s as Record<string, number>).filter(([k]) => ['clusterModel', 'policyModel', 'connectionList'].includes(k)).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
    return `${name} ${fmtMs(ms)}`;
  };
  // Answerable = cluster model + policy model: what makes a revision's verdicts available (the
  // API compiles the stored model once per revision). Runs cut off later, in the list, count too.
  const answerable = (runs: EngineRun[]) => med(runs, (r) => (r.stages.clusterModel !== undefined && r.stages.policyModel !== undefined ? r.stages.clusterModel + r.stages.policyModel : undefined));
  const ten = find(10_000, 10_000);
  if (ten) {
    const ok = ten.runs.filter((r) => r.ok);
    const a = answerable(ten.runs);
    const am = med(ten.runs, (r) => r.answerableRssMb);
    const t = med(ok, (r) => r.done.recomputeMs);
    const m = med(ok, (r) => r.done.peakRssMb);
    rows.push(['10k × 10k recompute ≤ 2 s (cluster model + policy model)', a !== undefined ? fmtMs(a) : ten.runs[0]!.failure!, a !== undefined && a <= 2000 ? 'met' : 'missed', `policy model ${fmtMs(med(ten.runs, (r) => r.stages.policyModel))}`]);
    rows.push(['10k × 10k peak RSS ≤ 500 MB (same)', am !== undefined ? fmtMb(am) : '–', am !== undefined && am <= 500 ? 'met' : 'missed', '']);
    rows.push(['… with the workload connection list (background, not a target)', t !== undefined ? `${fmtMs(t)}, ${fmtMb(m)}` : ten.runs[0]!.failure!, '–', dominant(ok[0] ?? ten.runs[0]!)]);
  }
  const hundred = find(100_000, 10_000);
  if (hundred) {
    const ok = hundred.runs.filter((r) => r.ok);
    const a = answerable(hundred.runs);
    const t = med(ok, (r) => r.done.recomputeMs);
    rows.push(['100k × 10k recompute ≤ 20 s (cluster model + policy model)', a !== undefined ? fmtMs(a) : hundred.runs[0]!.failure!, a !== undefined && a <= 20_000 ? 'met' : 'missed', `policy model ${fmtMs(med(hundred.runs, (r) => r.stages.policyModel))}`]);
    rows.push(['… with the workload connection list (background, not a target)', t !== undefined ? fmtMs(t) : hundred.runs[0]!.failure!, '–', dominant(ok[0] ?? hundred.runs[0]!)]);
  }
  for (const { label: e2eLabel, result: e2e } of e2eRuns) {
    const c = e2e.change;
    rows.push([`one policy change → snapshot ≤ 200 ms (${e2eLabel})`, c ? fmtMs(c.medianMs) : (oneLine(e2e.initialError, 120) ?? 'not measured'), c && c.medianMs <= 200 ? 'met' : 'missed', c?.medianWorkerMs !== undefined ? `worker durationMs ${fmtMs(c.medianWorkerMs)}` : '']);
    if (c?.medianCommittedMs !== undefined) rows.push([`… committed, as Postgres shows it (${e2eLabel})`, fmtMs(c.medianCommittedMs), c.medianCommittedMs <= 200 ? 'met' : 'missed', 'before the API, busy compiling it for answers, reports it']);
    if (c?.medianAnsweredMs !== undefined) rows.push([`… to the first answer at that revision (${e2eLabel})`, fmtMs(c.medianAnsweredMs), c.medianAnsweredMs <= 200 ? 'met' : 'missed', 'includes the API building its model']);
    const judgedTool = e2e.loads[0]?.tool;
    const judged = e2e.loads.filter((run) => run.tool === judgedTool);
    const p99s = judged.map((run) => run.client.latency.p99);
    const p99 = med(judged, (run) => run.client.latency.p99);
    const clean = judged.length > 0 && judged.every((run) => run.client.non2xx === 0 && run.client.errors === 0 && run.client.achievedRate >= rate * 0.95);
    rows.push([
      `reachability p99 ≤ 5 ms at ${rate} req/s (${judgedTool ?? 'load'}${judged.length > 1 ? `, median of ${judged.length} rounds` : ''})`,
      p99 !== undefined ? `p99 ${fmtMs(p99)}${judged.length > 1 ? ` (rounds: ${p99s.map((ms) => fmtMs(ms)).join(', ')})` : ''}` : (oneLine(e2e.loadError ?? e2e.initialError, 120) ?? 'not measured'),
      p99 !== undefined && p99 <= 5 && clean ? 'met' : 'missed',
      judgedTool === 'paced' ? "from each request's due time" : '',
    ]);
    for (const other of e2e.loads.filter((run) => run.tool !== judgedTool)) {
      rows.push([`… as ${other.tool} measures it (context)`, `p99 ${fmtMs(other.client.latency.p99)} at ${Math.round(other.client.achievedRate)} req/s`, '–', other.tool === 'autocannon' ? 'per-second bursts, not a steady rate' : '']);
    }
    const within5 = med(judged.filter((run) => run.serverSide), (run) => run.serverSide!.withinMs['5']);
    if (within5 !== undefined) {
      rows.push([`… as the API timed them: share answered ≤ 5 ms (median of rounds)`, `${(100 * within5).toFixed(2)} %`, '–', 'leaves out the HTTP client and loopback']);
    }
  }
  return ['### Targets', '', table(['target', 'measured (median)', 'verdict', 'dominant cost'], rows), ''].join('\n');
}

async function main(): Promise<void> {
  const sizes = opt('sizes', '1kx1k,10kx1k,10kx10k,100kx10k').split(',').filter(Boolean).map(parseSize);
  const repeat = Number(opt('repeat', '3'));
  const repeatCutoffS = Number(opt('repeat-cutoff', '60'));
  const timeoutS = Number(opt('timeout', '120'));
  const seed = Number(opt('seed', '1'));
  const evals = Number(opt('evals', '10000'));
  const e2eSize = parseSize(opt('e2e-size', '10kx1k'));
  const rate = Number(opt('rate', '1000'));
  const jsonFile = opt('json');

  const machine = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '?',
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    heapLimitMb: Number(opt('heap-mb', '0')) || undefined,
    loadAvgAtStart: os.loadavg()[0],
  };
  log(`machine: ${machine.nproc} cores (${machine.cpu}), ${machine.memGb} GB, Node ${machine.node}, load avg ${machine.loadAvgAtStart.toFixed(2)}`);

  const results: SizeResult[] = [];
  if (!flag('skip-engine')) {
    for (const size of sizes) {
      const runs: EngineRun[] = [];
      const wanted = size.pods <= 10_000 ? repeat : 1;
      for (let i = 0; i < wanted; i++) {
        log(`engine ${size.label}: run ${i + 1}/${wanted} (fresh process, cut off at ${timeoutS} s)`);
        const run = await runEngine(size, { timeoutS, seed, evals, heapMb: opt('heap-mb'), cpuProf: opt('cpu-prof') });
        runs.push(run);
        if (run.ok) {
          const s = run.done.stages;
          log(
            `  recompute ${fmtMs(run.done.recomputeMs)} (model ${fmtMs(s.clusterModel)}, build ${fmtMs(s.policyModel)}, list ${fmtMs(s.connectionList)}), peak RSS ${fmtMb(run.done.peakRssMb)}, ${run.done.classes} classes, ${run.done.rows} rows` +
              (run.done.api ? `; API build ${fmtMs(run.done.api.buildMs)}, evaluate p50 ${fmtMs(run.done.api.evaluate.p50Ms)} p99 ${fmtMs(run.done.api.evaluate.p99Ms)}` : ''),
          );
        } else log(`  ${run.failure} (stage ${run.cutStage ?? '?'}, stages done: ${JSON.stringify(Object.fromEntries(Object.entries(run.stages).map(([k, v]) => [k, Math.round(v)])))})`);
        if (!run.ok || run.wallMs > repeatCutoffS * 1000) break;
      }
      results.push({ size, runs });
    }
  }

  // What-if (audits issue, §5): the service-level work of POST /whatif, in a fresh process.
  let whatIfReport = '';
  if (!flag('skip-whatif')) {
    const size = parseSize(opt('whatif-size', '10kx1k'));
    log(`what-if ${size.label}: ${opt('whatif-repeat', '5')} of each kind (fresh process)`);
    const r = await runWhatIf({ pods: size.pods, policies: size.policies, seed, repeat: Number(opt('whatif-repeat', '5')), verify: !flag('whatif-no-verify'), timeoutS: Math.max(timeoutS, 600) });
    whatIfReport = 'failure' in r ? `### What-if at ${size.label}\n\n**${r.failure}**\n` : whatIfTables(r, size.label);
  }

  const e2eRuns: Array<{ label: string; result: E2eResult }> = [];
  const fallback = opt('e2e-fallback', '1kx1k');
  for (const size of flag('skip-e2e') ? [] : [e2eSize, ...(fallback !== 'none' ? [parseSize(fallback)] : [])]) {
    if (e2eRuns.length > 0 && !e2eRuns[e2eRuns.length - 1]!.result.initialError) break; // the fallback only runs when the main size got no snapshot
    if (e2eRuns.length > 0) log(`e2e: no snapshot at ${e2eRuns[0]!.label}; measuring the change latency and the load at the fallback size ${size.label}`);
    const e2e = await runE2e({
      pods: size.pods,
      policies: size.policies,
      seed,
      changes: Number(opt('changes', '5')),
      changeBudgetMs: Number(opt('change-budget', '300')) * 1000,
      computeTimeoutMs: timeoutS * 1000,
      initialTimeoutMs: Math.max(timeoutS, 240) * 1000,
      loadRate: rate,
      loadDurationS: Number(opt('duration', '15')),
      loadConnections: Number(opt('connections', '10')),
      loadRounds: Number(opt('load-rounds', '3')),
      loadTools: opt('load-tools', 'paced,autocannon').split(',').map((tool) => {
        if (tool !== 'paced' && tool !== 'autocannon') throw new Error(`--load-tools: unknown tool ${tool} (paced, autocannon)`);
        return tool;
      }),
      whatIfs: Number(opt('whatifs', '5')),
      port: Number(opt('port', '3917')),
      postgresBase: opt('postgres', process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432'),
      redisUrl: opt('redis', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      log,
    });
    log(`e2e clean-up: ${e2e.cleanup.join('; ')}`);
    e2eRuns.push({ label: size.label, result: e2e });
  }

  const report = [
    `## Results (${new Date().toISOString().slice(0, 10)}, seed ${seed})`,
    '',
    `Machine: ${machine.nproc} cores (${machine.cpu}), ${machine.memGb} GB RAM, Node ${machine.node}; load average at start ${machine.loadAvgAtStart.toFixed(2)}.`,
    '',
    results.length ? engineTables(results) : '',
    whatIfReport,
    ...e2eRuns.map((r) => e2eTables(r.result, r.label)),
    verdicts(results, e2eRuns, rate),
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify({ machine, seed, engine: results, e2e: e2eRuns }, null, 2));
  // Routing tables (Services issue): a fresh process, so its peak memory is its own.
  if (!flag('skip-routing')) {
    spawnSync(process.execPath, [...process.execArgv, path.join(__dirname, 'bench/routing.ts')], { stdio: 'inherit' });
  }
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
