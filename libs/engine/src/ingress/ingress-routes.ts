import type { ServiceEndpointsModel, ServiceModel, ServicePortModel } from '../services/service-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { compareByAge, stripTrailingSlash } from './http-paths';
import { ServiceIndex, type BackendEndpoint } from './service-backends';

/**
 * Ingress routing (semantics.md, "Ingress"): Ingresses grouped by IngressClass into one routing
 * table per class, host → ordered paths → resolved backends. Built once; `matchIngress` reads it.
 * Plain JSON: the worker stores it in the snapshot.
 */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export type IngressPathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface IngressBackendRoute {
  /** A Service backend as written: port is a number or a service port name. */
  service?: { namespace: string; name: string; port: number | string };
  /** A `resource` backend (e.g. a storage bucket): not routed by this model. */
  resource?: { apiGroup?: string; kind: string; name: string };
  servicePort?: ServicePortModel;
  /** Endpoints of the service port with their resolved target port; only ready ones receive traffic. */
  endpoints: BackendEndpoint[];
  /** The backend cannot serve at all: missing service or port. */
  problem?: string;
  notes: string[];
}

export interface IngressPathRoute {
  ingress: string;
  path: string;
  pathType: IngressPathType;
  /** How the path is matched: ImplementationSpecific is treated as Prefix. */
  matchAs: 'Exact' | 'Prefix';
  backend: IngressBackendRoute;
  /**
   * Set when an older Ingress of this class claims the same host and path, as matched (see
   * `pathClaim`): this path is never used.
   */
  lostTo?: string;
  notes: string[];
}

export interface IngressHostRoutes {
  /** '' for rules without host (every host); `*.foo.com` for a wildcard. */
  host: string;
  /** In precedence order: longest path first, Exact before Prefix at equal length, older Ingress first. */
  paths: IngressPathRoute[];
  /** TLS termination for this host (a `tls` entry with a secretName covering it). */
  tls?: { secretName: string; ingress: string };
}

export interface IngressTlsEntry {
  ingress: string;
  /** A host as listed (may be a wildcard); '' when the entry lists no hosts. */
  host: string;
  secretName?: string;
}

export interface IngressConflict {
  kind: 'path' | 'defaultBackend';
  winner: string;
  loser: string;
  host: string;
  /** The losing path as written. */
  path: string;
  pathType?: IngressPathType;
  /** The winner's path as written, when it is spelt differently (`/api` against `/api/`, Prefix against ImplementationSpecific). */
  winnerPath?: string;
  winnerPathType?: IngressPathType;
}

export interface IngressAttachment {
  ingress: string;
  /** How the class was chosen. */
  via: 'ingressClassName' | 'annotation' | 'default';
  attached: boolean;
  reason?: string;
}

export interface IngressRoutingTable {
  /** The IngressClass name; '' collects Ingresses that name no class when no class is the default. */
  class: string;
  /** spec.controller of the IngressClass; absent when the class does not exist. */
  controller?: string;
  /** false: no such IngressClass; its Ingresses are unattached (no controller serves them) and have no routes. */
  exists: boolean;
  isDefault: boolean;
  ingresses: IngressAttachment[];
  /** Exact hosts (alphabetical), then wildcards, then '' (every host). */
  hosts: IngressHostRoutes[];
  defaultBackend?: IngressBackendRoute & { ingress: string };
  tls: IngressTlsEntry[];
  conflicts: IngressConflict[];
  notes: string[];
}

export interface IngressRoutesInput {
  objects: readonly ClusterObjectInput[];
  services: ServiceModel[];
  endpoints: ServiceEndpointsModel[];
}

/** The subset of a validated networking.k8s.io/v1 Ingress spec routing reads. */
interface IngressBackendSpec {
  service?: { name: string; port?: { name?: string; number?: number } };
  resource?: { apiGroup?: string; kind: string; name: string };
}
interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackendSpec;
  tls?: Array<{ hosts?: string[]; secretName?: string }>;
  rules?: Array<{ host?: string; http?: { paths: Array<{ path?: string; pathType: IngressPathType; backend: IngressBackendSpec }> } }>;
}

interface IngressObject {
  key: string;
  namespace: string;
  creationTimestamp?: string;
  spec: IngressSpec;
  annotations: Record<string, string>;
}

const isNetworkingV1 = (o: ClusterObjectInput) => o.apiVersion === 'networking.k8s.io/v1';

export function ingressRoutes(input: IngressRoutesInput): IngressRoutingTable[] {
  const services = new ServiceIndex(input.services, input.endpoints);
  const classes = input.objects.filter((o) => o.kind === 'IngressClass' && isNetworkingV1(o));
  const classByName = new Map(classes.map((c) => [c.metadata.name, c]));
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true').map((c) => c.metadata.name).sort();

  const ingresses: IngressObject[] = input.objects
    .filter((o) => o.kind === 'Ingress' && isNetworkingV1(o))
    .map((o) => {
      const namespace = o.metadata.namespace ?? 'default';
      return {
        key: `${namespace}/${o.metadata.name}`,
        namespace,
        ...(o.metadata.creationTimestamp !== undefined ? { creationTimestamp: o.metadata.creationTimestamp } : {}),
        spec: (o.spec ?? {}) as IngressSpec,
        annotations: o.metadata.annotations ?? {},
      };
    })
    // Oldest first: conflicts go to the oldest Ingress (ingress-nginx), ties by ns/name.
    .sort(compareByAge);

  const members = new Map<string, { attachment: IngressAttachment; ingress: IngressObject }[]>();
  const join = (className: string, ingress: IngressObject, attachment: Omit<IngressAttachment, 'ingress'>) => {
    const list = members.get(className) ?? [];
    list.push({ ingress, attachment: { ingress: ingress.key, ...attachment } });
    members.set(className, list);
  };
  for (const c of classes) members.set(c.metadata.name, []);

  for (const ing of ingresses) {
    const named = ing.spec.ingressClassName;
    const legacy = ing.annotations[LEGACY_CLASS_ANNOTATION];
    // ingressClassName takes precedence over the deprecated annotation.
    const [className, via] = named !== undefined ? [named, 'ingressClassName' as const] : legacy !== undefined ? [legacy, 'annotation' as const] : [undefined, 'default' as const];
    if (className !== undefined) {
      const exists = classByName.has(className);
      join(className, ing, { via, attached: exists, ...(exists ? {} : { reason: `IngressClass ${className} does not exist: no controller serves this Ingress` }) });
    } else if (defaults.length === 1) {
      join(defaults[0]!, ing, { via, attached: true });
    } else {
      const reason =
        defaults.length === 0
          ? 'names no IngressClass and no IngressClass is marked default'
          : `names no IngressClass and ${defaults.length} IngressClasses are marked default (${defaults.join(', ')}): the admission controller refuses to pick one`;
      join('', ing, { via, attached: false, reason });
    }
  }

  const tables: IngressRoutingTable[] = [];
  for (const [className, list] of members) {
    const cls = classByName.get(className);
    if (!cls) {
      tables.push({ class: className, exists: false, isDefault: false, ingresses: list.map((m) => m.attachment), hosts: [], tls: [], conflicts: [], notes: [] });
      continue;
    }
    const controller = (cls.spec as { controller?: string } | undefined)?.controller ?? '';
    tables.push(buildTable(className, controller, defaults.includes(className), list, services, defaults.length > 1));
  }
  return tables.sort((a, b) => (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
}

function buildTable(
  className: string,
  controller: string,
  isDefault: boolean,
  list: { attachment: IngressAttachment; ingress: IngressObject }[],
  services: ServiceIndex,
  severalDefaults: boolean,
): IngressRoutingTable {
  const notes: string[] = [];
  if (isDefault && severalDefaults) notes.push('several IngressClasses are marked default: Ingresses without a class are not given this one');
  const hosts = new Map<string, IngressPathRoute[]>();
  const owners = new Map<string, { ingress: string; path: string; pathType: IngressPathType }>();
  const conflicts: IngressConflict[] = [];
  const tls: IngressTlsEntry[] = [];
  let defaultBackend: (IngressBackendRoute & { ingress: string }) | undefined;

  // `list` is oldest first, so the first claim of a host and path (as matched) is the owner.
  for (const { ingress } of list) {
    const spec = ingress.spec;
    if (spec.ingressClassName !== undefined && ingress.annotations[LEGACY_CLASS_ANNOTATION] !== undefined && ingress.annotations[LEGACY_CLASS_ANNOTATION] !== spec.ingressClassName) {
      notes.push(`${ingress.key}: annotation ${LEGACY_CLASS_ANNOTATION}=${ingress.annotations[LEGACY_CLASS_ANNOTATION]} ignored: spec.ingressClassName takes precedence`);
    }
    if (spec.defaultBackend) {
      if (!defaultBackend) defaultBackend = { ingress: ingress.key, ...resolveBackend(spec.defaultBackend, ingress.namespace, services) };
      else conflicts.push({ kind: 'defaultBackend', winner: defaultBackend.ingress, loser: ingress.key, host: '', path: '' });
    }
    for (const entry of spec.tls ?? []) {
      const listed = entry.hosts && entry.hosts.length > 0 ? entry.hosts : [''];
      for (const host of listed) tls.push({ ingress: ingress.key, host: host.toLowerCase(), ...(entry.secretName ? { secretName: entry.secretName } : {}) });
    }
    for (const rule of spec.rules ?? []) {
      const host = (rule.host ?? '').toLowerCase();
      const paths = hosts.get(host) ?? [];
      hosts.set(host, paths);
      for (const p of rule.http?.paths ?? []) {
        const pathNotes: string[] = [];
        let path = p.path ?? '';
        if (p.pathType === 'ImplementationSpecific') {
          pathNotes.push('ImplementationSpecific is up to the controller: matched as Prefix here');
          if (path === '') {
            path = '/';
            pathNotes.push('empty path read as /');
          }
        }
        const route: IngressPathRoute = {
          ingress: ingress.key,
          path,
          pathType: p.pathType,
          matchAs: p.pathType === 'Exact' ? 'Exact' : 'Prefix',
          backend: resolveBackend(p.backend, ingress.namespace, services),
          notes: pathNotes,
        };
        const claim = `${host}\u0000${pathClaim(route)}`;
        const owner = owners.get(claim);
        if (owner === undefined) owners.set(claim, { ingress: ingress.key, path, pathType: p.pathType });
        else if (owner.ingress !== ingress.key) {
          route.lostTo = owner.ingress;
          const spelt = owner.path !== path || owner.pathType !== p.pathType ? { winnerPath: owner.path, winnerPathType: owner.pathType } : {};
          conflicts.push({ kind: 'path', winner: owner.ingress, loser: ingress.key, host, path, pathType: p.pathType, ...spelt });
        } else {
          route.lostTo = owner.ingress;
          pathNotes.push(
            owner.path === path && owner.pathType === p.pathType
              ? 'duplicate of an earlier path of the same Ingress: the first one is used'
              : `matches as the earlier path ${owner.path} (${owner.pathType}) of the same Ingress: the first one is used`,
          );
        }
        paths.push(route);
      }
    }
  }

  const hostList: IngressHostRoutes[] = [...hosts.entries()]
    .sort(([a], [b]) => hostRank(a) - hostRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, paths]) => {
      const covering = tlsFor(tls, host);
      return { host, paths: orderPaths(paths), ...(covering ? { tls: covering } : {}) };
    });
  for (const t of tls) if (!t.secretName) notes.push(`${t.ingress}: tls entry for ${t.host || 'every host'} has no secretName: it terminates nothing here`);

  return {
    class: className,
    controller,
    exists: true,
    isDefault,
    ingresses: list.map((m) => m.attachment),
    hosts: hostList,
    ...(defaultBackend ? { defaultBackend } : {}),
    tls,
    conflicts,
    notes,
  };
}

/** Exact hosts, then wildcards, then the every-host rules. */
function hostRank(host: string): number {
  return host === '' ? 2 : host.startsWith('*.') ? 1 : 0;
}

/**
 * The path as it matches (semantics.md, Ingress): Exact paths whole; prefix paths (Prefix, and
 * ImplementationSpecific, read as Prefix) without a trailing slash, which Prefix matching ignores.
 * Two paths of one host with the same claim take the same requests, so ingress-nginx keeps the
 * oldest Ingress's.
 */
export function pathClaim(route: Pick<IngressPathRoute, 'path' | 'matchAs'>): string {
  return route.matchAs === 'Exact' ? `Exact\u0000${route.path}` : `Prefix\u0000${stripTrailingSlash(route.path)}`;
}

/** The length that ranks a path: a prefix path's without its trailing slash (`/api/` ranks as `/api`). */
export function pathRankLength(route: Pick<IngressPathRoute, 'path' | 'matchAs'>): number {
  return route.matchAs === 'Exact' ? route.path.length : stripTrailingSlash(route.path).length;
}

/** Longest path first; Exact before Prefix at equal length; stable otherwise (older Ingress, rule order). */
function orderPaths(paths: IngressPathRoute[]): IngressPathRoute[] {
  return paths
    .map((p, i) => ({ p, i }))
    .sort((a, b) => pathRankLength(b.p) - pathRankLength(a.p) || exactFirst(a.p) - exactFirst(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

const exactFirst = (p: IngressPathRoute) => (p.matchAs === 'Exact' ? 0 : 1);

/**
 * Ingress hosts: exact, or `*.foo.com` matching exactly one extra label (semantics.md); '' matches
 * every host. Used for rules and for TLS hosts alike.
 */
export function ingressHostMatches(pattern: string, host: string): boolean {
  if (pattern === '') return true;
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1);
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** The TLS entry with a secret that covers a rule host; the every-host rule takes only a host-less entry. */
function tlsFor(entries: IngressTlsEntry[], host: string): IngressHostRoutes['tls'] {
  const withSecret = entries.filter((t) => t.secretName);
  const found =
    withSecret.find((t) => t.host === host) ??
    (host === '' ? undefined : withSecret.find((t) => t.host !== '' && ingressHostMatches(t.host, host))) ??
    withSecret.find((t) => t.host === '');
  return found ? { secretName: found.secretName!, ingress: found.ingress } : undefined;
}

function resolveBackend(spec: IngressBackendSpec, namespace: string, services: ServiceIndex): IngressBackendRoute {
  if (spec.resource) {
    return { resource: spec.resource, endpoints: [], notes: [`resource backend ${spec.resource.kind}/${spec.resource.name}: served by the controller, not routed to pods`] };
  }
  const svc = spec.service;
  if (!svc) return { endpoints: [], problem: 'backend names neither a service nor a resource', notes: [] };
  const port: number | string | undefined = svc.port?.number ?? svc.port?.name;
  if (port === undefined) return { service: { namespace, name: svc.name, port: '' }, endpoints: [], problem: 'backend service port is missing', notes: [] };
  const resolved = services.resolve(namespace, svc.name, port);
  return {
    service: { namespace, name: svc.name, port },
    ...(resolved.servicePort ? { servicePort: resolved.servicePort } : {}),
    endpoints: resolved.endpoints,
    ...(resolved.problem ? { problem: resolved.problem } : {}),
    notes: resolved.notes,
  };
}
