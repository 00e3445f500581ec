import { gatewayRoutes, type GatewayRoutes, type HTTPRouteView, type RouteMatchView } from '../gateway/gateway-routes';
import { ingressRoutes, type IngressBackendRoute, type IngressRoutingTable } from '../ingress/ingress-routes';
import { deepEqualJson } from '../manifests/stable-json';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { diffKeyed, type ChangeKind } from './keyed-diff';

/**
 * What a change does to north-south routing: each IngressClass's table (which Ingress serves a
 * host and path, with which backend; TLS per host; the default backend; whether an Ingress is
 * attached at all) and each HTTPRoute (its attachment to Gateway listeners, and each rule's
 * matches and weighted backends). Rows name backends, not endpoints: where a Service sends its
 * traffic is the kube-proxy route diff's.
 */
export type NorthSouthChangeKind = ChangeKind;

export interface IngressRouteChange {
  /** The IngressClass of the table ('': Ingresses that name no class and get none). */
  class: string;
  /** The rule host ('': every host); '' for attachments and the default backend. */
  host: string;
  /** `Prefix /api`, `Exact /x`, `ImplementationSpecific /y`, `tls`, `default backend`, or `attachment`. */
  route: string;
  /** `ns/name` of the Ingress the row is about (the new one's when it changed hands). */
  ingress: string;
  change: NorthSouthChangeKind;
  old?: string;
  new?: string;
}

export interface GatewayRouteChange {
  /** `ns/name` of the HTTPRoute. */
  httpRoute: string;
  /** `parent Gateway ns/name[/section][:port]` (its attachment) or `rule <index>` (matches → backends). */
  route: string;
  change: NorthSouthChangeKind;
  old?: string;
  new?: string;
}

/** North-south routing as the worker stores it in the snapshot. */
export interface NorthSouthRouting {
  ingress: IngressRoutingTable[];
  gateway: GatewayRoutes;
}

export interface NorthSouthSide {
  clusterModel: ClusterModel;
  /** Without objects a side has no Ingresses or routes to compare: no rows. */
  objects?: readonly ClusterObjectInput[];
  /** Already computed for this side (a stored snapshot's): reused rather than rebuilt. */
  northSouth?: NorthSouthRouting;
}

/** The kinds routing reads besides Services (Namespace labels: listeners' allowedRoutes selectors). */
const ROUTING_KINDS: ReadonlySet<string> = new Set(['Ingress', 'IngressClass', 'Gateway', 'GatewayClass', 'HTTPRoute', 'ReferenceGrant', 'Namespace']);

interface Row {
  text: string;
}

function routingObjects(objects: readonly ClusterObjectInput[]): ClusterObjectInput[] {
  return objects.filter((o) => ROUTING_KINDS.has(o.kind));
}

/**
 * Whether routing cannot differ: the same Services (the model reuses them when no Service changed)
 * and the same routing objects, in the same order (a what-if keeps untouched objects as they are;
 * two stored revisions list them in one order). Anything else is compared table by table.
 */
function routingUnchanged(before: NorthSouthSide, after: NorthSouthSide): boolean {
  if (before.clusterModel.services !== after.clusterModel.services) return false;
  const b = routingObjects(before.objects ?? []);
  const a = routingObjects(after.objects ?? []);
  if (b.length !== a.length) return false;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    const y = a[i]!;
    if (x === y) continue;
    if (x.kind !== y.kind || x.apiVersion !== y.apiVersion || !deepEqualJson(x.spec ?? null, y.spec ?? null)) return false;
    const mx = x.metadata;
    const my = y.metadata;
    if (mx.name !== my.name || mx.namespace !== my.namespace || mx.creationTimestamp !== my.creationTimestamp) return false;
    if (!deepEqualJson(mx.labels ?? {}, my.labels ?? {}) || !deepEqualJson(mx.annotations ?? {}, my.annotations ?? {})) return false;
  }
  return true;
}

export function northSouthRoutingOf(side: NorthSouthSide): NorthSouthRouting {
  if (side.northSouth) return side.northSouth;
  const objects = side.objects ?? [];
  const { services, endpoints } = side.clusterModel;
  return { ingress: ingressRoutes({ objects, services, endpoints }), gateway: gatewayRoutes({ objects, services, endpoints }) };
}

export function diffNorthSouth(before: NorthSouthSide, after: NorthSouthSide): { ingress: IngressRouteChange[]; gateway: GatewayRouteChange[] } {
  if (!before.objects || !after.objects || routingUnchanged(before, after)) return { ingress: [], gateway: [] };
  const b = northSouthRoutingOf(before);
  const a = northSouthRoutingOf(after);
  return {
    ingress: diffKeyed(ingressRows(b.ingress), ingressRows(a.ingress), sameText, (change, old, now, key) => {
      const [cls, host, route, ingress] = key.split('\u0000') as [string, string, string, string];
      const owner = ingress || ((now ?? old)!.ingress ?? '');
      return { class: cls, host, route, ingress: owner, change, ...(old ? { old: old.text } : {}), ...(now ? { new: now.text } : {}) };
    }),
    gateway: diffKeyed(gatewayRows(b.gateway), gatewayRows(a.gateway), sameText, (change, old, now, key) => {
      const [httpRoute, route] = key.split('\u0000') as [string, string];
      return { httpRoute, route, change, ...(old ? { old: old.text } : {}), ...(now ? { new: now.text } : {}) };
    }),
  };
}

const sameText = (x: Row, y: Row): boolean => x.text === y.text;

function backendText(backend: IngressBackendRoute): string {
  const target = backend.service
    ? `service ${backend.service.namespace}/${backend.service.name}:${backend.service.port}`
    : backend.resource
      ? `resource ${backend.resource.kind}/${backend.resource.name}`
      : 'no backend';
  return backend.problem ? `${target} (${backend.problem})` : target;
}

/** Rows keyed class, host, route and (for paths and attachments) the Ingress; tls and the default backend belong to the host or class. */
function ingressRows(tables: readonly IngressRoutingTable[]): Map<string, Row & { ingress?: string }> {
  const rows = new Map<string, Row & { ingress?: string }>();
  const key = (...parts: string[]) => parts.join('\u0000');
  for (const t of tables) {
    const served = t.exists ? `class ${t.class}${t.controller ? ` (${t.controller})` : ''}` : '';
    for (const a of t.ingresses) {
      rows.set(key(t.class, '', 'attachment', a.ingress), { text: a.attached ? `served by ${served} (chosen by ${a.via})` : `not served: ${a.reason ?? 'no controller'}` });
    }
    for (const h of t.hosts) {
      for (const p of h.paths) {
        const lost = p.lostTo ? `; never used: ${p.lostTo} claims it first` : '';
        const as = p.matchAs !== p.pathType ? ` (matched as ${p.matchAs})` : '';
        rows.set(key(t.class, h.host, `${p.pathType} ${p.path}`, p.ingress), { text: `${backendText(p.backend)}${as}${lost}` });
      }
      if (h.tls) rows.set(key(t.class, h.host, 'tls', ''), { text: `TLS with secret ${h.tls.secretName} (from ${h.tls.ingress})`, ingress: h.tls.ingress });
    }
    if (t.defaultBackend) rows.set(key(t.class, '', 'default backend', ''), { text: `${backendText(t.defaultBackend)} (from ${t.defaultBackend.ingress})`, ingress: t.defaultBackend.ingress });
  }
  return rows;
}

function matchText(m: RouteMatchView): string {
  const parts = [`${m.path.type} ${m.path.value}`];
  if (m.method) parts.push(`method ${m.method}`);
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`);
  return parts.join(' ');
}

function parentKey(parent: HTTPRouteView['parents'][number]): string {
  const ref = parent.parentRef;
  const kind = ref.kind === 'Gateway' ? 'Gateway' : `${ref.group}/${ref.kind}`;
  return `parent ${kind} ${ref.namespace}/${ref.name}${ref.sectionName !== undefined ? `/${ref.sectionName}` : ''}${ref.port !== undefined ? `:${ref.port}` : ''}`;
}

/** Rows keyed HTTPRoute and part: each parent's attachment, each rule's matches and backends. */
function gatewayRows(view: GatewayRoutes): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const r of view.routes) {
    for (const parent of r.parents) {
      const accepted = parent.conditions.find((c) => c.type === 'Accepted');
      const text =
        accepted?.status === 'True'
          ? `attached to ${parent.listeners.map((l) => `listener ${l.name} (${l.hostnames.join(', ')})`).join(', ')}`
          : `not attached: ${accepted ? `${accepted.reason}: ${accepted.message}` : 'no Accepted condition'}`;
      rows.set(`${r.key}\u0000${parentKey(parent)}`, { text });
    }
    for (const rule of r.rules) {
      const backends = rule.backends.length
        ? rule.backends
            .map((b) => `${b.kind === 'Service' && b.group === '' ? 'service' : b.kind} ${b.namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''} weight ${b.weight}${b.problem ? ` (${b.problem.reason}: ${b.problem.message})` : ''}`)
            .join(', ')
        : 'no backend (HTTP 500)';
      rows.set(`${r.key}\u0000rule ${rule.index}`, { text: `${rule.matches.map(matchText).join(' | ')} -> ${backends}` });
    }
  }
  return rows;
}
