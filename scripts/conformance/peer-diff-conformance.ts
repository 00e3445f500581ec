/**
 * Diff conformance against the peer corpus (np-guard/netpol-analyzer test data): for each
 * `expected/diff/diff_between_<dir2>_and_<dir1>.txt` golden whose two scenarios are in scope,
 * compute both connection lists (dir1 before, dir2 after), diff, render txt and compare with the
 * golden after trimming lines and dropping empty ones. Scope as in peer-conformance.ts.
 * `diffScenarioPairs` is also what test/e2e/peer-diffs.test.ts runs through the what-if endpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CLUSTER_DEFAULTS,
  computeClusterModel,
  connectionList,
  diffConnections,
  policyModelOf,
  renderConnectionDiff,
  workloadName,
  type ClusterObjectInput,
  type ConnectionRow,
} from '../../libs/engine/src';
import { PEER_ROOT, PEER_TESTS } from '../../test/support/peer-corpus';
import { compareWithGolden, familiesOf, loadScenario, SETTINGS } from './peer-conformance';

const goldenDir = path.join(PEER_ROOT, 'expected/diff');

interface Loaded {
  objects: ClusterObjectInput[];
  families: Set<string>;
  problems: string[];
}

/** A scenario loaded as the connlist conformance loads it, with the families it belongs to. */
function load(scenarioDir: string): Loaded {
  const loaded = loadScenario(scenarioDir);
  return { objects: loaded.objects, families: familiesOf(loaded), problems: loaded.problems };
}

export interface DiffOutcome {
  /** The golden's base name, `diff_between_<dir2>_and_<dir1>`. */
  name: string;
  before: string;
  after: string;
  family?: string;
  pass?: boolean;
  diff?: { line: number; expected: string; got: string };
  expectedLines?: number;
  gotLines?: number;
  /** The csv and md goldens beside the txt one, when present: do they match too? */
  formats?: Partial<Record<'csv' | 'md', boolean>>;
  problems: string[];
}

/** `diff_between_<dir2>_and_<dir1>`: scenario names hold `_and_` too, so split where both halves are scenarios. */
function splitName(base: string, scenarios: ReadonlySet<string>): { before: string; after: string } | undefined {
  const rest = base.slice('diff_between_'.length);
  let at = rest.indexOf('_and_');
  while (at >= 0) {
    const after = rest.slice(0, at);
    const before = rest.slice(at + '_and_'.length);
    if (scenarios.has(after) && scenarios.has(before)) return { before, after };
    at = rest.indexOf('_and_', at + 1);
  }
  return undefined;
}

interface Computed {
  rows: ConnectionRow[];
  workloads: string[];
}

/** One diff golden with its two scenarios, loaded as the connlist conformance loads them. */
export interface DiffScenarioPair {
  /** The golden's base name, `diff_between_<dir2>_and_<dir1>`. */
  name: string;
  before: string;
  after: string;
  /** Set when the pair is out of scope: the families of kinds it uses. */
  family?: string;
  problems: string[];
  /** The txt golden, and the csv and md ones beside it when present. */
  golden: string;
  goldens: Partial<Record<'csv' | 'md', string>>;
  beforeObjects: ClusterObjectInput[];
  afterObjects: ClusterObjectInput[];
}

/** Every diff golden (those whose name contains `filter`, if given), with its scenarios loaded. */
export function diffScenarioPairs(options: { filter?: string } = {}): DiffScenarioPair[] {
  const scenarios = new Set(fs.readdirSync(PEER_TESTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name));
  const goldens = fs
    .readdirSync(goldenDir)
    .filter((f) => f.startsWith('diff_between_') && f.endsWith('.txt'))
    .map((f) => f.slice(0, -'.txt'.length))
    .filter((n) => !options.filter || n.includes(options.filter))
    .sort();
  const cache = new Map<string, Loaded>();
  const loadCached = (name: string) => {
    let entry = cache.get(name);
    if (!entry) cache.set(name, (entry = load(path.join(PEER_TESTS, name))));
    return entry;
  };
  return goldens.map((name): DiffScenarioPair => {
    const golden = fs.readFileSync(path.join(goldenDir, `${name}.txt`), 'utf8');
    const goldenFormats: DiffScenarioPair['goldens'] = {};
    for (const format of ['csv', 'md'] as const) {
      const file = path.join(goldenDir, `${name}.${format}`);
      if (fs.existsSync(file)) goldenFormats[format] = fs.readFileSync(file, 'utf8');
    }
    const split = splitName(name, scenarios);
    if (!split) return { name, before: '?', after: '?', family: 'scenario folders not found', problems: [], golden, goldens: goldenFormats, beforeObjects: [], afterObjects: [] };
    const before = loadCached(split.before);
    const after = loadCached(split.after);
    const families = new Set([...before.families, ...after.families]);
    return {
      name,
      ...split,
      ...(families.size > 0 ? { family: [...families].sort().join(' + ') } : {}),
      problems: [...before.problems.map((p) => `${split.before}: ${p}`), ...after.problems.map((p) => `${split.after}: ${p}`)],
      golden,
      goldens: goldenFormats,
      beforeObjects: before.objects,
      afterObjects: after.objects,
    };
  });
}

/**
 * What CONFORMANCE.md says of how the diff section is checked: by the engine here, and through
 * the API by test/e2e/peer-diffs.test.ts, which must pass and fail exactly the same goldens.
 */
export const DIFF_CHECKS = [
  'Each pair is computed by the engine (the first scenario before, the second after) and, in the',
  'end-to-end suite (`test/e2e/peer-diffs.test.ts`), through the API: the first scenario applied',
  'with `POST /apply`, the second sent to `POST /whatif` (with deletes for the objects of the',
  'first that the second lacks), its `connectivityText` compared with the goldens in txt, csv and',
  'md. That test expects exactly the results below.',
].join('\n');

/** Runs every diff golden (those whose name contains `filter`, if given) through the engine. */
export function runDiffConformance(options: { filter?: string; onFailure?: (name: string, got: string) => void } = {}): DiffOutcome[] {
  const computed = new Map<ClusterObjectInput[], Computed>();
  const compute = (objects: ClusterObjectInput[]): Computed => {
    let entry = computed.get(objects);
    if (!entry) {
      const cluster = computeClusterModel(objects, SETTINGS);
      const model = policyModelOf(cluster, SETTINGS);
      // As the worker lists a cluster created with SETTINGS: with the Ingress/Route backends ({ingress-controller} rows)
      // and the default ingressControllers setting.
      const rows = connectionList(model, { clusterModel: cluster, ingressControllers: CLUSTER_DEFAULTS.ingressControllers });
      computed.set(objects, (entry = { rows, workloads: [...new Set(cluster.pods.map(workloadName))] }));
    }
    return entry;
  };
  return diffScenarioPairs(options).map((pair): DiffOutcome => {
    const base = { name: pair.name, before: pair.before, after: pair.after, problems: pair.problems };
    if (pair.family) return { ...base, family: pair.family };
    const b = compute(pair.beforeObjects);
    const a = compute(pair.afterObjects);
    const rows = diffConnections(b.rows, a.rows, { beforeWorkloads: b.workloads, afterWorkloads: a.workloads });
    const got = renderConnectionDiff(rows, 'txt');
    const formats: DiffOutcome['formats'] = {};
    for (const [format, golden] of Object.entries(pair.goldens) as ['csv' | 'md', string][]) formats[format] = compareWithGolden(golden, renderConnectionDiff(rows, format)).pass;
    const { pass, diff, expectedLines, gotLines } = compareWithGolden(pair.golden, got);
    if (!pass) options.onFailure?.(pair.name, got);
    return { ...base, pass, ...(diff ? { diff } : {}), expectedLines, gotLines, formats };
  });
}

if (require.main === module) {
  const outcomes = runDiffConformance({ ...(process.argv[2] ? { filter: process.argv[2] } : {}) });
  const inScope = outcomes.filter((o) => !o.family);
  const passed = inScope.filter((o) => o.pass);
  console.log(`diff conformance: ${passed.length} passed / ${inScope.length} in scope / ${outcomes.length} goldens`);
  const formatChecks = inScope.flatMap((o) => Object.entries(o.formats ?? {}).map(([format, ok]) => ({ name: `${o.name}.${format}`, ok })));
  console.log(`csv/md goldens of in-scope diffs: ${formatChecks.filter((f) => f.ok).length} / ${formatChecks.length} match`);
  for (const f of formatChecks.filter((x) => !x.ok)) console.log(`  FAIL ${f.name}`);
  for (const o of outcomes.filter((x) => x.family)) console.log(`  out of scope: ${o.name} (${o.family})`);
  for (const o of inScope.filter((x) => !x.pass)) console.log(`  FAIL ${o.name}: line ${o.diff?.line}\n    expected: ${o.diff?.expected}\n    got:      ${o.diff?.got}`);
}
