import type { PolicyModel } from '../policy/policy-model';
import { compareText } from '../cluster/text-order';
import type { ServiceModel } from '../services/service-model';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';

/**
 * What an audit rule reports: a problem with the objects it concerns, a message, and a change a
 * person can apply. `key` is the finding's identity across runs (rule + objects, plus a detail
 * when one object can have several problems of one rule), so the worker can tell a problem found
 * again from a new one.
 */
export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface FindingObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  rule: string;
  severity: FindingSeverity;
  /** Sorted by kind, namespace, name. */
  objects: FindingObject[];
  message: string;
  fix: string;
  key: string;
}

export interface AuditSettings {
  podCidr: string;
  serviceCidr: string;
  clusterDomain: string;
  cni: string;
  /** "min-max", as kube-apiserver's --service-node-port-range. */
  nodePortRange: string;
}

export interface AuditInput {
  objects: readonly ClusterObjectInput[];
  model: ClusterModel;
  policy: PolicyModel;
  settings: AuditSettings;
}

export interface AuditRuleInfo {
  id: string;
  severity: FindingSeverity;
  title: string;
  description: string;
}

/** One rule: its registry entry and the check that produces its findings. */
export interface AuditRule extends AuditRuleInfo {
  check(input: AuditInput): Finding[];
}


export const refText = (ref: FindingObject): string => `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

export function sortRefs(refs: readonly FindingObject[]): FindingObject[] {
  const unique = new Map<string, FindingObject>();
  for (const r of refs) unique.set(refText(r), { kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name });
  return [...unique.values()].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name));
}

export interface FindingParts {
  objects: readonly FindingObject[];
  message: string;
  fix: string;
  /** Distinguishes several findings of one rule on the same objects (a port, a host, a rule index). */
  detail?: string;
  /**
   * The objects that make up the identity when they differ from `objects`: e.g. a name shared by
   * several Services stays one finding while namespaces come and go.
   */
  keyObjects?: readonly FindingObject[];
}

/** Builds a finding of a rule with its sorted objects and its stable key. */
export function findingOf(rule: AuditRuleInfo, parts: FindingParts): Finding {
  const objects = sortRefs(parts.objects);
  const keyRefs = parts.keyObjects ? sortRefs(parts.keyObjects) : objects;
  const key = [rule.id, ...keyRefs.map(refText), ...(parts.detail !== undefined ? [parts.detail] : [])].join('|');
  return { rule: rule.id, severity: rule.severity, objects, message: parts.message, fix: parts.fix, key };
}


export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const namespaceOf = (o: ClusterObjectInput): string => o.metadata.namespace || 'default';

/**
 * The values several Services hold (a ClusterIP, a nodePort, a name), each with those Services,
 * in order of first appearance. `keysOf` lists a Service's values; one Service counts once per value.
 */
export function heldBySeveral<K>(services: readonly ServiceModel[], keysOf: (s: ServiceModel) => Iterable<K>): Array<[K, FindingObject[]]> {
  const byKey = new Map<K, FindingObject[]>();
  for (const s of services) {
    for (const key of new Set(keysOf(s))) {
      const refs = byKey.get(key);
      const ref = { kind: 'Service', namespace: s.namespace, name: s.name };
      if (refs) refs.push(ref);
      else byKey.set(key, [ref]);
    }
  }
  return [...byKey].filter(([, refs]) => refs.length > 1);
}

/** The namespaces Kubernetes creates and runs itself; rules about tenants' hygiene skip them. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
