import { connectionList, type ConnectionRow } from '../connectivity/connection-list';
import { formatConnections, isEmptyConnections } from '../connectivity/connection-set';
import { workloadConnectionRows } from '../connectivity/workload-connections';
import { ingressControllerRows, type IngressControllerSetting } from '../exposure/ingress-controller';
import { NAMESPACE_NAME_LABEL_KEY, podKey, type PolicyModel } from '../policy/policy-model';
import type { ClusterModel } from '../workloads/cluster-model';
import { workloadName } from '../workloads/pods-from-workloads';
import { diffConnections, type ConnectionDiff } from './connectivity-diff';

/**
 * The connectivity diff of two states of a cluster without listing every connection of either.
 *
 * A row S → D is S's egress toward D intersected with D's ingress from S. Egress depends on the
 * policies selecting S, their rules, and what D is (labels, namespace labels, named ports, IPs);
 * ingress the same way round. So a row can differ only when S or D is a workload whose pods
 * changed, that lives in a namespace whose labels changed, or that a changed policy selects
 * (on either side). Rows of other workloads are built on neither side.
 *
 * External ranges: each side cuts the address space by its own ipBlocks, but the diff compares
 * ranges per workload after joining adjacent ones with equal connections (connectivity-diff.ts),
 * and for a workload whose connections did not change that join gives the same ranges on both
 * sides. Only a family appearing or vanishing (IPv6 ranges exist only where some ipBlock of the
 * direction is IPv6) touches every workload: then every row is built.
 */
export interface ConnectivitySide {
  clusterModel: ClusterModel;
  /** The policy model of `clusterModel` (`policyModelOf`). */
  policy: PolicyModel;
}

export interface ConnectivityChangeOptions {
  /** Which workload runs each ingress controller, as for `connectionList`. */
  ingressControllers?: readonly IngressControllerSetting[];
}

/**
 * The workloads (`ns/name[Kind]`) whose rows may differ between the two sides, or undefined when
 * any row may (then the full lists must be compared).
 */
export function changedWorkloads(before: ConnectivitySide, after: ConnectivitySide): Set<string> | undefined {
  for (const direction of ['ingress', 'egress'] as const) {
    if (hasIpv6(before.policy, direction) !== hasIpv6(after.policy, direction)) return undefined;
  }
  const out = new Set<string>();

  // Pods: a pod added, removed or different in any field (labels, addresses, ports, owner).
  if (before.clusterModel.pods !== after.clusterModel.pods) {
    const afterPods = new Map(after.clusterModel.pods.map((p) => [podKey(p), p]));
    const beforeKeys = new Set(before.clusterModel.pods.map(podKey));
    // Two pods of one name on a side: the comparison by name would not be sound.
    if (afterPods.size !== after.clusterModel.pods.length || beforeKeys.size !== before.clusterModel.pods.length) return undefined;
    for (const p of before.clusterModel.pods) {
      const q = afterPods.get(podKey(p));
      if (q && sameJson(p, q)) continue;
      out.add(workloadName(p));
      if (q) out.add(workloadName(q));
    }
    for (const [key, q] of afterPods) if (!beforeKeys.has(key)) out.add(workloadName(q));
  }

  // Namespace labels: namespace selectors of any rule judge the pods of that namespace.
  if (before.clusterModel.namespaces !== after.clusterModel.namespaces) {
    const labels = (model: ClusterModel) => new Map((model.namespaces ?? []).map((ns) => [ns.name, { ...ns.labels, [NAMESPACE_NAME_LABEL_KEY]: ns.name }]));
    const b = labels(before.clusterModel);
    const a = labels(after.clusterModel);
    // A namespace without a Namespace object carries its name label only.
    const of = (map: Map<string, Record<string, string>>, name: string) => map.get(name) ?? { [NAMESPACE_NAME_LABEL_KEY]: name };
    const changed = new Set([...b.keys(), ...a.keys()].filter((name) => !sameJson(of(b, name), of(a, name))));
    if (changed.size > 0) {
      for (const side of [before, after]) for (const p of side.clusterModel.pods) if (changed.has(p.namespace)) out.add(workloadName(p));
    }
  }

  // Policies: the workloads a changed, added or removed policy selects, before or after.
  if (before.clusterModel.policies !== after.clusterModel.policies) {
    const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;
    const specs = new Map((before.clusterModel.policies ?? []).map((p) => [key(p), p.spec]));
    const changed = new Set<string>();
    for (const p of after.clusterModel.policies ?? []) {
      const k = key(p);
      if (!specs.has(k) || !sameJson(specs.get(k), p.spec)) changed.add(k);
      specs.delete(k);
    }
    for (const k of specs.keys()) changed.add(k);
    if (changed.size > 0) {
      for (const { policy } of [before, after]) {
        const pods = policy.allPods();
        for (const cls of policy.classes) {
          if (!cls.ingressPolicies.some((p) => changed.has(p.key)) && !cls.egressPolicies.some((p) => changed.has(p.key))) continue;
          for (const i of cls.pods) out.add(workloadName(pods[i]!));
        }
      }
    }
  }
  return out;
}

/**
 * Equality of JSON-like values as `deepEqualJson` (manifests/stable-json.ts) judges it — key order
 * ignored, an undefined value the same as a missing key — without building the strings: the
 * policies of both sides are compared on every what-if.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    defined++;
    if (!sameJson(x[key], y[key])) return false;
  }
  for (const key in y) if (y[key] !== undefined) defined--;
  return defined === 0;
}

function hasIpv6(model: PolicyModel, direction: 'ingress' | 'egress'): boolean {
  return model.directionBlocks[direction].blocks.some((b) => b.cidr.family === 6);
}

/**
 * The rows of `connectionList(policy, { clusterModel, ingressControllers })` that name one of
 * `workloads`, plus every `{ingress-controller}` row (few: one per backend workload).
 */
function focusedRows(side: ConnectivitySide, workloads: ReadonlySet<string>, options: ConnectivityChangeOptions): ConnectionRow[] {
  const rows = workloads.size > 0 ? workloadConnectionRows(side.policy, { focusWorkloads: workloads }) : [];
  const settings = options.ingressControllers ? { ingressControllers: options.ingressControllers } : {};
  for (const row of ingressControllerRows(side.policy, side.clusterModel, settings)) {
    if (!isEmptyConnections(row.connections)) rows.push({ src: row.src, dst: row.dst, conn: formatConnections(row.connections), connections: row.connections });
  }
  return rows;
}

/**
 * Exactly `diffConnections(connectionList(before…), connectionList(after…), { every workload of
 * each side })`, with rows built only for the workloads `changedWorkloads` names.
 */
export function connectivityChange(before: ConnectivitySide, after: ConnectivitySide, options: ConnectivityChangeOptions = {}): ConnectionDiff[] {
  const focus = changedWorkloads(before, after);
  const rowsOf = (side: ConnectivitySide): ConnectionRow[] =>
    focus
      ? focusedRows(side, focus, options)
      : connectionList(side.policy, { clusterModel: side.clusterModel, ...(options.ingressControllers ? { ingressControllers: options.ingressControllers } : {}) });
  return diffConnections(rowsOf(before), rowsOf(after), {
    beforeWorkloads: before.clusterModel.pods.map(workloadName),
    afterWorkloads: after.clusterModel.pods.map(workloadName),
  });
}
