/**
 * Diff conformance against the peer corpus (np-guard/netpol-analyzer test data): for each
 * `expected/diff/diff_between_<dir2>_and_<dir1>.txt` golden whose two scenarios are in scope,
 * compute both connection lists (dir1 before, dir2 after), diff, render txt and compare with the
 * golden after trimming lines and dropping empty ones. Scope as in peer-conformance.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DomainError,
  computeClusterModel,
  connectionList,
  diffConnections,
  parseManifestBody,
  policyModelOf,
  renderConnectionDiff,
  validateManifests,
  workloadName,
  type ClusterObjectInput,
  type ConnectionRow,
  type ManifestObject,
} from '../../libs/engine/src';
import { FAMILY_OF_KIND, loadScenario, normalize, repoRoot, SETTINGS } from './peer-conformance';

const peerRoot = path.resolve(repoRoot, '../shared/peer/netpol-analyzer');
const testsDir = path.join(peerRoot, 'tests');
const goldenDir = path.join(peerRoot, 'expected/diff');

/** Kinds that make a scenario an out-of-scope family (the same list as peer-conformance.ts). */
const INGRESS_FAMILY = 'Ingress / Route ({ingress-controller} rows)';



interface Loaded {
  objects: ClusterObjectInput[];
  families: Set<string>;
  problems: string[];
}

/** A scenario loaded as the connlist conformance loads it, with the families it belongs to. */
function load(scenarioDir: string): Loaded {
  const loaded = loadScenario(scenarioDir);
  const families = new Set<string>();
  for (const kind of [...loaded.unsupportedKinds, ...loaded.objects.map((o) => o.kind)]) if (FAMILY_OF_KIND[kind]) families.add(FAMILY_OF_KIND[kind]!);
  return { objects: loaded.objects, families, problems: loaded.problems };
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

/** Runs every diff golden (those whose name contains `filter`, if given). */
export function runDiffConformance(options: { filter?: string; onFailure?: (name: string, got: string) => void } = {}): DiffOutcome[] {
  const scenarios = new Set(fs.readdirSync(testsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name));
  const goldens = fs
    .readdirSync(goldenDir)
    .filter((f) => f.startsWith('diff_between_') && f.endsWith('.txt'))
    .map((f) => f.slice(0, -'.txt'.length))
    .filter((n) => !options.filter || n.includes(options.filter))
    .sort();
  const cache = new Map<string, Loaded & { computed?: Computed }>();
  const loadCached = (name: string) => {
    let entry = cache.get(name);
    if (!entry) cache.set(name, (entry = load(path.join(testsDir, name))));
    return entry;
  };
  const compute = (entry: Loaded & { computed?: Computed }): Computed => {
    if (!entry.computed) {
      const cluster = computeClusterModel(entry.objects, SETTINGS);
      const model = policyModelOf(cluster, SETTINGS);
      entry.computed = { rows: connectionList(model), workloads: [...new Set(cluster.pods.map(workloadName))] };
    }
    return entry.computed;
  };

  const outcomes: DiffOutcome[] = [];
  for (const name of goldens) {
    const split = splitName(name, scenarios);
    if (!split) {
      outcomes.push({ name, before: '?', after: '?', family: 'scenario folders not found', problems: [] });
      continue;
    }
    const golden = fs.readFileSync(path.join(goldenDir, `${name}.txt`), 'utf8');
    const before = loadCached(split.before);
    const after = loadCached(split.after);
    const families = new Set([...before.families, ...after.families]);
    if (golden.includes('{ingress-controller}')) families.add(INGRESS_FAMILY);
    const base = { name, ...split, problems: [...before.problems.map((p) => `${split.before}: ${p}`), ...after.problems.map((p) => `${split.after}: ${p}`)] };
    if (families.size > 0) {
      outcomes.push({ ...base, family: [...families].sort().join(' + ') });
      continue;
    }
    const b = compute(before);
    const a = compute(after);
    const rows = diffConnections(b.rows, a.rows, { beforeWorkloads: b.workloads, afterWorkloads: a.workloads });
    const got = renderConnectionDiff(rows, 'txt');
    const formats: DiffOutcome['formats'] = {};
    for (const format of ['csv', 'md'] as const) {
      const file = path.join(goldenDir, `${name}.${format}`);
      if (fs.existsSync(file)) formats[format] = normalize(fs.readFileSync(file, 'utf8')).join('\n') === normalize(renderConnectionDiff(rows, format)).join('\n');
    }
    const expected = normalize(golden);
    const lines = normalize(got);
    let diff: DiffOutcome['diff'];
    for (let i = 0; i < Math.max(expected.length, lines.length) && !diff; i++) {
      if (expected[i] !== lines[i]) diff = { line: i + 1, expected: expected[i] ?? '(end)', got: lines[i] ?? '(end)' };
    }
    outcomes.push({ ...base, pass: !diff, ...(diff ? { diff } : {}), expectedLines: expected.length, gotLines: lines.length, formats });
    if (diff) options.onFailure?.(name, got);
  }
  return outcomes;
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
