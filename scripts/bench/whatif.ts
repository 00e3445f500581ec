/**
 * What-if at scale (audits issue, §5: "a what-if on a 10k-pod cluster answers in ≤ 1 s"), in a
 * fresh process (scripts/bench.ts starts it; or alone):
 *
 *   node --import tsx scripts/bench/whatif.ts --pods 10000 --policies 1000 --seed 1 --repeat 5
 *
 * Runs the API's own ChangesService (apps/api/src/changes) on the seeded synthetic cluster of
 * cluster-gen.ts, with the database reads replaced by what they return: the cluster's objects,
 * and the state a loaded snapshot gives (the stored model, JSON round-tripped as Postgres returns
 * it, its compiled policies and its findings, which the API computes once per revision). So each
 * sample is the service-level work of one `POST /whatif`: parse + validate the body, address
 * allocation, the change applied in memory, the model after it, its policies, the connectivity,
 * route and DNS diffs, the audit after, and the rendering of the peer diff text.
 *
 * Three kinds of what-if, `--repeat` of each on different policies: one changed policy
 * (cluster-gen's `changedPolicy`), one new default-deny (ingress and egress) policy in an
 * application namespace, one deleted policy. Wall and CPU time (user + system) per sample.
 * The first sample of each kind is also checked against the full method (both whole connection
 * lists, diffed), whose time is reported beside.
 *
 * Prints one JSON line ({"event":"done", ...}) on stdout; scripts/bench.ts renders it with
 * `whatIfTables`.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ChangesService } from '../../apps/api/src/changes/changes.service';
import { ClusterStates, type ComputedState, type ObjectsAt } from '../../apps/api/src/changes/cluster-states';
import * as engine from '../../libs/engine/src/index';
import { changedPolicy, generateCluster } from './cluster-gen';
import { hashSeed, Prng } from './prng';
import { fmtMs, median, quantile, table } from './stats';

export interface WhatIfSample {
  kind: string;
  target: string;
  wallMs: number;
  cpuMs: number;
  diffRows: number;
  routes: number;
  dns: number;
  findingsOpened: number;
  findingsResolved: number;
}

export interface WhatIfCheck {
  kind: string;
  /** The full method: both whole connection lists, diffed (what the service did before). */
  fullMs: number;
  matches: boolean;
  fullRows: number;
}

export interface WhatIfResult {
  pods: number;
  policies: number;
  workloads: number;
  /** Once per revision in the API: the policy model of the loaded snapshot, and its findings. */
  snapshotBuildMs: number;
  beforeFindingsMs: number;
  /** Of one changed-policy what-if, the engine stages measured apart. */
  stages: Record<string, number>;
  samples: WhatIfSample[];
  checks: WhatIfCheck[];
  loadAvg: number[];
}

export const WHATIF_KINDS = ['change one policy', 'new default-deny policy', 'delete one policy'] as const;

// ---- the child ---------------------------------------------------------------------------------

async function child(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
  };
  const pods = Number(arg('pods', '10000'));
  const policies = Number(arg('policies', '1000'));
  const seed = Number(arg('seed', '1'));
  const repeat = Number(arg('repeat', '5'));
  const verify = !process.argv.includes('--no-verify');
  const log = (m: string) => process.stderr.write(`[bench] what-if: ${m}\n`);

  const cluster = generateCluster({ pods, policies, seed });
  const settings: engine.ClusterSettings = { ...engine.CLUSTER_DEFAULTS, ...cluster.settings, cni: cluster.settings.cni as engine.CniPlugin, name: 'bench' };
  const revision = 1;
  const at: ObjectsAt = { clusterId: 'bench', clusterName: 'bench', revision, settings, objects: cluster.objects };

  // What PolicySnapshots.load gives for the latest revision: the stored model as Postgres returns it.
  const stored = JSON.parse(JSON.stringify(engine.computeClusterModel(cluster.objects, settings))) as engine.ClusterModel;
  let t = performance.now();
  const snapshotModel = engine.policyModelOf(stored, settings);
  const snapshotBuildMs = performance.now() - t;
  t = performance.now();
  const beforeFindings = engine.auditCluster({ objects: cluster.objects, model: stored, policy: snapshotModel, settings });
  const beforeFindingsMs = performance.now() - t;
  const before: ComputedState = { revision, settings, objects: cluster.objects, clusterModel: stored, policy: snapshotModel, findings: beforeFindings };
  log(`${cluster.stats.pods} pods, ${cluster.stats.policies} policies; snapshot model ${Math.round(snapshotBuildMs)} ms, its findings ${Math.round(beforeFindingsMs)} ms (once per revision)`);

  const existing = new Set(cluster.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  /** ClusterStates with the database reads answered from memory; compute() is the real one. */
  class InMemoryStates extends ClusterStates {
    constructor() {
      super(undefined as never, undefined as never, undefined as never);
    }
    override async objectsAt(): Promise<ObjectsAt> {
      return at;
    }
    /** The apply plan as the store makes it, for the objects these what-ifs send (no addresses to assign, no conflicts). */
    override async preview(_cluster: string, objects: engine.ManifestObject[]): Promise<Awaited<ReturnType<ClusterStates['preview']>>> {
      const results = objects.map((o) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        ...(o.namespace ? { namespace: o.namespace } : {}),
        name: o.name,
        action: existing.has(`${o.kind}/${o.namespace}/${o.name}`) ? ('configured' as const) : ('created' as const),
      }));
      return { revision, results, objects: objects.map(engine.toClusterObjectInput) as never };
    }
    override async stored(): Promise<ComputedState> {
      return before;
    }
  }
  const service = new ChangesService(new InMemoryStates());

  // ---- the what-ifs ------------------------------------------------------------------------------
  const rng = new Prng(hashSeed('whatif', seed, pods, policies));
  const policyObjects = cluster.objects.filter((o) => o.kind === 'NetworkPolicy');
  const appNamespaces = [...new Set(cluster.changeable.map((p) => p.metadata.namespace!))];
  const bodyOf = (kind: string, i: number): { target: string; body: string } => {
    if (kind === 'change one policy') {
      const p = cluster.changeable[Math.floor(rng.next() * cluster.changeable.length)]!;
      return { target: `${p.metadata.namespace}/${p.metadata.name}`, body: JSON.stringify([changedPolicy(p, 100 + i)]) };
    }
    if (kind === 'new default-deny policy') {
      const ns = appNamespaces[Math.floor(rng.next() * appNamespaces.length)]!;
      const doc = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `whatif-deny-all-${i}`, namespace: ns }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
      return { target: ns, body: JSON.stringify([doc]) };
    }
    const p = policyObjects[Math.floor(rng.next() * policyObjects.length)]!;
    return { target: `${p.metadata.namespace}/${p.metadata.name}`, body: JSON.stringify({ delete: [{ kind: 'NetworkPolicy', namespace: p.metadata.namespace, name: p.metadata.name }] }) };
  };

  const samples: WhatIfSample[] = [];
  const checks: WhatIfCheck[] = [];
  // One unmeasured what-if first: the first call of a process also compiles the code paths.
  await service.whatIf('bench', bodyOf('change one policy', 0).body, 'json', { fieldValidation: 'Strict' });
  for (let i = 1; i <= repeat; i++) {
    for (const kind of WHATIF_KINDS) {
      const { target, body } = bodyOf(kind, i);
      const cpu = process.cpuUsage();
      const started = performance.now();
      const answer = await service.whatIf('bench', body, 'json', { fieldValidation: 'Strict' });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const sample: WhatIfSample = {
        kind,
        target,
        wallMs,
        cpuMs: (used.user + used.system) / 1000,
        diffRows: answer.connectivity.length,
        routes: answer.routes.length,
        dns: answer.dns.length,
        findingsOpened: answer.findings.opened.length,
        findingsResolved: answer.findings.resolved.length,
      };
      samples.push(sample);
      log(`${kind} (${target}): ${Math.round(wallMs)} ms, CPU ${Math.round(sample.cpuMs)} ms, ${sample.diffRows} diff rows, findings +${sample.findingsOpened} −${sample.findingsResolved}`);
      if (verify && i === 1) checks.push(fullMethod(kind, body, answer.connectivity));
    }
  }

  /** The reference the incremental diff must equal: both whole connection lists, diffed. */
  function fullMethod(kind: string, body: string, got: readonly unknown[]): WhatIfCheck {
    const parsed = JSON.parse(body) as unknown;
    const change = Array.isArray(parsed) ? { apply: parsed as never[], delete: [] } : { apply: [], delete: (parsed as { delete: never[] }).delete };
    const afterObjects = engine.applyInMemory(cluster.objects, change);
    const started = performance.now();
    const afterModel = engine.computeClusterModel(afterObjects, settings);
    const list = (model: engine.ClusterModel) => engine.connectionList(engine.policyModelOf(model, settings), { clusterModel: model, ingressControllers: settings.ingressControllers });
    const rows = engine.diffConnections(list(stored), list(afterModel), {
      beforeWorkloads: stored.pods.map(engine.workloadName),
      afterWorkloads: afterModel.pods.map(engine.workloadName),
    });
    const fullMs = performance.now() - started;
    const plain = rows.map(({ type, source, destination, old, new: next, workloadsInfo }) => ({ type, source, destination, old, new: next, ...(workloadsInfo ? { workloadsInfo } : {}) }));
    const matches = JSON.stringify(plain) === JSON.stringify(got);
    log(`  full method: ${Math.round(fullMs)} ms, ${rows.length} rows, ${matches ? 'the same diff' : 'A DIFFERENT DIFF'}`);
    return { kind, fullMs, matches, fullRows: rows.length };
  }

  // ---- where one changed-policy what-if spends its time (the engine stages, measured apart) ------
  const stages: Record<string, number> = {};
  {
    const p = cluster.changeable[0]!;
    const afterObjects = engine.applyInMemory(cluster.objects, { apply: [changedPolicy(p, 999)], delete: [] });
    const time = <T>(name: string, fn: () => T): T => {
      const s = performance.now();
      const v = fn();
      stages[name] = performance.now() - s;
      return v;
    };
    const model = time('model update', () => engine.updateClusterModel(stored, afterObjects, new Set(['NetworkPolicy']), settings));
    const policy = time('policy model (after)', () => engine.policyModelOf(model, settings));
    time('connectivity diff', () => engine.connectivityChange({ clusterModel: stored, policy: snapshotModel }, { clusterModel: model, policy }, { ingressControllers: settings.ingressControllers }));
    time('audit (after)', () => engine.auditCluster({ objects: afterObjects, model, policy, settings }));
  }

  const workloads = new Set(stored.pods.map(engine.workloadName)).size;
  const result: WhatIfResult = { pods: cluster.stats.pods, policies: cluster.stats.policies, workloads, snapshotBuildMs, beforeFindingsMs, stages, samples, checks, loadAvg: os.loadavg() };
  process.stdout.write(`${JSON.stringify({ event: 'done', result })}\n`);
}

// ---- the parent side ---------------------------------------------------------------------------

/** Runs the what-if measurements in a fresh process (its heap and JIT state are its own). */
export function runWhatIf(options: { pods: number; policies: number; seed: number; repeat: number; verify: boolean; timeoutS: number }): Promise<WhatIfResult | { failure: string }> {
  const args = ['--import', 'tsx', __filename, '--pods', String(options.pods), '--policies', String(options.policies), '--seed', String(options.seed), '--repeat', String(options.repeat)];
  if (!options.verify) args.push('--no-verify');
  const proc = spawn(process.execPath, args, { cwd: path.resolve(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutS * 1000);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const event = JSON.parse(line) as { event: string; result: WhatIfResult };
        if (event.event === 'done') return resolve(event.result);
      } catch {
        // no result line
      }
      resolve({ failure: signal === 'SIGKILL' ? `cut off after ${options.timeoutS} s` : `exited with ${signal ?? `code ${code}`}` });
    });
  });
}

export function whatIfTables(r: WhatIfResult, label: string): string {
  const rowOf = (name: string, samples: WhatIfSample[]) => {
    const wall = samples.map((s) => s.wallMs);
    const cpu = samples.map((s) => s.cpuMs);
    return [
      name,
      String(samples.length),
      `**${fmtMs(median(wall))}**`,
      fmtMs(quantile(wall, 0.9)),
      fmtMs(Math.max(...wall)),
      fmtMs(median(cpu)),
      String(median(samples.map((s) => s.diffRows))),
      `+${median(samples.map((s) => s.findingsOpened))} / −${median(samples.map((s) => s.findingsResolved))}`,
    ];
  };
  const rows = WHATIF_KINDS.map((kind) => rowOf(kind, r.samples.filter((s) => s.kind === kind)));
  rows.push(rowOf('all', r.samples));
  const checks = r.checks.map((c) => [c.kind, fmtMs(c.fullMs), String(c.fullRows), c.matches ? 'yes' : '**NO**']);
  const all = median(r.samples.map((s) => s.wallMs));
  const p90 = quantile(r.samples.map((s) => s.wallMs), 0.9);
  return [
    `### What-if at ${label} (ChangesService in process; ${r.workloads} workloads)`,
    '',
    table(['what-if', 'n', 'median', 'p90', 'max', 'CPU median', 'diff rows (median)', 'findings opened / resolved (median)'], rows),
    '',
    `Once per revision, not in the figures above (the API keeps them with the loaded snapshot): policy model of the snapshot ${fmtMs(r.snapshotBuildMs)}, its findings ${fmtMs(r.beforeFindingsMs)}.`,
    `Stages of one changed-policy what-if, measured apart: ${Object.entries(r.stages).map(([k, v]) => `${k} ${fmtMs(v)}`).join(', ')}. Load average at the end: ${r.loadAvg.map((v) => v.toFixed(1)).join(', ')}.`,
    '',
    ...(checks.length
      ? [table(['checked against the full method', 'full method (both whole lists, diffed)', 'diff rows', 'same diff'], checks), '']
      : []),
    table(['target', 'measured', 'verdict'], [[`what-if at ${label} ≤ 1 s`, `median ${fmtMs(all)}, p90 ${fmtMs(p90)}`, p90 <= 1000 ? 'met' : all <= 1000 ? 'met at the median, not at p90' : 'missed']]),
    '',
  ].join('\n');
}

if (require.main === module) {
  child().catch((error) => {
    process.stderr.write(`[bench] what-if failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
