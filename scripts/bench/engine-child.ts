/**
 * One engine measurement in a fresh process (started by scripts/bench.ts, so that the peak RSS
 * belongs to one size only):
 *
 *   node --import tsx scripts/bench/engine-child.ts --pods 10000 --policies 10000 --seed 1
 *
 * Does what the worker does (apps/worker/src/recompute/recompute.service.ts):
 * `computeClusterModel(objects, settings)` then `connectionList(policyModelOf(model, settings))`,
 * timing each stage, then (after the peak RSS of the recompute is taken) what the API pays:
 * `policyModelOf` on the stored (JSON round-tripped) model, and `model.evaluate` latencies.
 *
 * Writes one JSON object per line on stdout: {"event":"stage",...} as each stage ends (so a run
 * cut off by the parent's timeout still tells which stage it was in) and {"event":"done",...}.
 */
import os from 'node:os';
import { computeClusterModel, connectionList, encodeConnectionList, policyModelOf, type ModelPod, type Protocol } from '../../libs/engine/src/index';
import { MAX_STORED_ROWS } from '../../apps/worker/src/recompute/analysis-work';
import { generateCluster, withExtraIngressPort } from './cluster-gen';
import { Prng, hashSeed } from './prng';
import { median, quantile } from './stats';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1]!;
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}

const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const mb = (bytes: number) => bytes / (1024 * 1024);
const maxRssMb = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes

const pods = Number(arg('pods'));
const policies = Number(arg('policies'));
const seed = Number(arg('seed', '1'));
const evals = Number(arg('evals', '10000'));
const apiBuilds = Number(arg('api-builds', '3'));
const skipApi = process.argv.includes('--skip-api');

/** CPU time (user + system, all threads: includes GC helpers) per stage: less sensitive than wall time to other load. */
const cpuByStage: Record<string, number> = {};

function stage<T>(name: string, fn: () => T, extra: (value: T) => Record<string, unknown> = () => ({})): { value: T; ms: number } {
  emit({ event: 'start', stage: name });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = fn();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  cpuByStage[name] = cpuMs;
  emit({ event: 'stage', stage: name, ms, cpuMs, rssMb: mb(process.memoryUsage().rss), maxRssMb: maxRssMb(), ...extra(value) });
  return { value, ms };
}

const baselineRssMb = maxRssMb();
const { value: cluster, ms: genMs } = stage('generate', () => generateCluster({ pods, policies, seed }), (c) => ({ objects: c.objects.length, stats: c.stats }));
const afterGenerateRssMb = mb(process.memoryUsage().rss);

// ---- the worker's recompute ---------------------------------------------------------------------
const recomputeStarted = performance.now();
const model = stage('clusterModel', () => computeClusterModel(cluster.objects, cluster.settings), (m) => ({ pods: m.pods.length, namespaces: m.namespaces.length, policies: m.policies.length }));
const policyModel = stage('policyModel', () => policyModelOf(model.value, cluster.settings), (p) => ({ classes: p.classes.length }));
// Answerable: the worker's snapshot (cluster model) plus the compiled policy model every verdict
// comes from. The workload connection list below is a report derived from it in the background.
const answerableMs = performance.now() - recomputeStarted;
const answerablePeakRssMb = maxRssMb();
const connections = stage('connectionList', () => connectionList(policyModel.value), (rows) => ({ rows: rows.length }));
const recomputeMs = performance.now() - recomputeStarted;
const recomputePeakRssMb = maxRssMb();
const heapAfterMb = mb(process.memoryUsage().heapUsed);

// What the worker stores (not part of the recompute target, reported for context): the model, and
// the connection list in its compact form (connection-list-codec), unless it is too large to keep.
const serialize = stage('serialize', () => {
  const data = JSON.stringify(model.value);
  const connectionBytes = connections.value.length > MAX_STORED_ROWS ? NaN : JSON.stringify(encodeConnectionList(connections.value)).length;
  return { modelBytes: data.length, connectionBytes, data };
}, (s) => ({ modelMb: mb(s.modelBytes), connectionsMb: mb(s.connectionBytes) }));

const workloads = new Set(model.value.pods.map((p) => `${p.namespace}/${p.owner.kind}/${p.owner.name}`)).size;
const result: Record<string, unknown> = {
  event: 'done',
  pods,
  policies,
  seed,
  stats: cluster.stats,
  workloads,
  classes: policyModel.value.classes.length,
  rows: connections.value.length,
  generateMs: genMs,
  stages: { clusterModel: model.ms, policyModel: policyModel.ms, connectionList: connections.ms },
  recomputeMs,
  answerableMs,
  answerablePeakRssMb,
  cpuMs: { clusterModel: cpuByStage.clusterModel, policyModel: cpuByStage.policyModel, connectionList: cpuByStage.connectionList },
  loadAvg: os.loadavg()[0],
  baselineRssMb,
  afterGenerateRssMb,
  peakRssMb: recomputePeakRssMb,
  heapAfterMb,
  snapshotMb: { model: mb(serialize.value.modelBytes), connections: mb(serialize.value.connectionBytes) },
  serializeMs: serialize.ms,
};

// ---- the API's side -----------------------------------------------------------------------------
if (!skipApi) {
  // The API reads the snapshot's model from Postgres (JSON) and builds the policy model once per
  // revision: from pods it has not seen (first load, or pods changed), or, after a change that left
  // the pods alone, on the pods it already holds (their index is reused).
  const storedModel = () => JSON.parse(serialize.value.data) as typeof model.value;
  const timed = <T>(fn: () => T): { value: T; ms: number } => {
    const started = performance.now();
    const value = fn();
    return { value, ms: performance.now() - started };
  };
  const builds: number[] = [];
  const rebuilds: number[] = [];
  let stored = storedModel();
  let apiModel = policyModelOf(stored, cluster.settings);
  for (let i = 0; i < apiBuilds; i++) {
    stored = storedModel();
    const fresh = timed(() => policyModelOf(stored, cluster.settings));
    builds.push(fresh.ms);
    apiModel = fresh.value;
    const target = stored.policies.findIndex((q) => q.spec.ingress?.length);
    const changed = { ...stored, policies: stored.policies.map((p, k) => (k === target ? { ...p, spec: withExtraIngressPort(p.spec, i) } : p)) };
    rebuilds.push(timed(() => policyModelOf(changed, cluster.settings)).ms);
  }
  emit({ event: 'stage', stage: 'apiBuild', ms: median(builds), rebuildMs: median(rebuilds) });

  // evaluate(): random pod pairs, ports drawn from the destination's declared ports (numeric or
  // named) or common numbers, mostly TCP.
  const all = apiModel.allPods();
  const rng = new Prng(hashSeed('evaluate', seed, pods, policies));
  const query = (): { from: ModelPod; to: ModelPod; port: number | string; protocol: Protocol } => {
    const from = all[Math.floor(rng.next() * all.length)]!;
    const to = all[Math.floor(rng.next() * all.length)]!;
    const declared = to.containerPorts;
    if (declared.length > 0 && rng.chance(0.7)) {
      const p = rng.pick(declared);
      return { from, to, port: p.name && rng.chance(0.4) ? p.name : p.containerPort, protocol: p.protocol };
    }
    const [port, protocol] = rng.pick([[8080, 'TCP'], [443, 'TCP'], [5432, 'TCP'], [53, 'UDP'], [3868, 'SCTP']] as const);
    return { from, to, port, protocol };
  };
  for (let i = 0; i < 200; i++) {
    const q = query();
    apiModel.evaluate({ pod: q.from }, { pod: q.to }, q.port, q.protocol); // warm-up (JIT), not counted
  }
  const latencies: number[] = [];
  let allowed = 0;
  for (let i = 0; i < evals; i++) {
    const q = query();
    const started = performance.now();
    const verdict = apiModel.evaluate({ pod: q.from }, { pod: q.to }, q.port, q.protocol);
    latencies.push(performance.now() - started);
    if (verdict.allowed) allowed++;
  }
  result.api = {
    buildMs: median(builds),
    builds,
    rebuildMs: median(rebuilds),
    rebuilds,
    evaluate: { n: evals, p50Ms: median(latencies), p99Ms: quantile(latencies, 0.99), maxMs: Math.max(...latencies), allowedShare: allowed / evals },
  };
}
emit(result);
