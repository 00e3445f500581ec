import { asRecord } from '../workloads/cluster-objects';
import { DEFAULT_CLASS_ANNOTATION, LEGACY_CLASS_ANNOTATION } from '../ingress/ingress-routes';
import type { ClusterObjectInput } from '../workloads/cluster-objects';

/**
 * What Ingress (networking.k8s.io/v1) and OpenShift Route (route.openshift.io/v1) objects send
 * traffic to, flattened: one entry per backend reference, in the object's own namespace
 * (semantics.md, Ingress). Plain JSON, stored in the ClusterModel; host/path precedence is not
 * decided here (every backend an object names can receive traffic).
 */
export interface IngressBackendModel {
  source: 'Ingress' | 'Route';
  /** The Ingress or Route. */
  namespace: string;
  name: string;
  /** A Service of the same namespace. */
  service: string;
  /**
   * Ingress: the service port's number or name. Route: `spec.port.targetPort` (a target port
   * number or a port name). Undefined: every port of the service (a Route without `spec.port`).
   */
  port?: number | string;
  /** Ingress: `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation. */
  ingressClassName?: string;
  /** The rule's host (Ingress) or `spec.host` (Route); undefined: every host. */
  host?: string;
  path?: string;
  pathType?: string;
  /** Ingress `spec.defaultBackend`. */
  defaultBackend?: boolean;
  /** Route: `spec.alternateBackends[]` rather than `spec.to`. */
  alternate?: boolean;
  /** Route backend weight (0 sends nothing). */
  weight?: number;
  /** TLS is terminated for this host (Ingress `tls[].hosts`; Route `spec.tls`). */
  tls?: boolean;
}

export interface IngressClassModel {
  name: string;
  controller: string;
  /** Annotated `ingressclass.kubernetes.io/is-default-class: "true"`. */
  isDefault: boolean;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** intstr: a number, an all-digit string as a number, or a name. */
function intOrString(value: unknown): number | string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value !== 0) return value;
  if (typeof value === 'string' && value !== '') return /^\d+$/.test(value) ? Number(value) : value;
  return undefined;
}

function ingressServiceBackend(backend: unknown): { service: string; port?: number | string } | undefined {
  const service = asRecord(asRecord(backend).service);
  const name = text(service.name);
  if (!name) return undefined; // a `resource` backend: not a Service, no pod behind it here
  const port = asRecord(service.port);
  const ref = text(port.name) ?? (typeof port.number === 'number' && port.number > 0 ? port.number : undefined);
  return { service: name, ...(ref !== undefined ? { port: ref } : {}) };
}

function backendsOfIngress(o: ClusterObjectInput): IngressBackendModel[] {
  const spec = asRecord(o.spec);
  const namespace = o.metadata.namespace || 'default';
  const className = text(spec.ingressClassName) ?? text(o.metadata.annotations?.[LEGACY_CLASS_ANNOTATION]);
  const tlsHosts = new Set(list(spec.tls).flatMap((t) => list(asRecord(t).hosts).filter((h): h is string => typeof h === 'string')));
  const base = { source: 'Ingress' as const, namespace, name: o.metadata.name, ...(className ? { ingressClassName: className } : {}) };
  const out: IngressBackendModel[] = [];
  const def = ingressServiceBackend(spec.defaultBackend);
  if (def) out.push({ ...base, ...def, defaultBackend: true });
  for (const rule of list(spec.rules)) {
    const host = text(asRecord(rule).host);
    for (const p of list(asRecord(asRecord(rule).http).paths)) {
      const target = ingressServiceBackend(asRecord(p).backend);
      if (!target) continue;
      const path = text(asRecord(p).path);
      const pathType = text(asRecord(p).pathType);
      out.push({
        ...base,
        ...target,
        ...(host ? { host } : {}),
        ...(path ? { path } : {}),
        ...(pathType ? { pathType } : {}),
        ...(host && tlsHosts.has(host) ? { tls: true } : {}),
      });
    }
  }
  return out;
}

function backendsOfRoute(o: ClusterObjectInput): IngressBackendModel[] {
  const spec = asRecord(o.spec);
  const namespace = o.metadata.namespace || 'default';
  const port = intOrString(asRecord(spec.port).targetPort);
  const host = text(spec.host);
  const path = text(spec.path);
  const base = {
    source: 'Route' as const,
    namespace,
    name: o.metadata.name,
    ...(port !== undefined ? { port } : {}),
    ...(host ? { host } : {}),
    ...(path ? { path } : {}),
    ...(spec.tls ? { tls: true } : {}),
  };
  const out: IngressBackendModel[] = [];
  // Only Services are route targets (kind defaults to Service).
  const targets = [{ ref: asRecord(spec.to), alternate: false }, ...list(spec.alternateBackends).map((b) => ({ ref: asRecord(b), alternate: true }))];
  for (const { ref, alternate } of targets) {
    const kind = text(ref.kind) ?? 'Service';
    const name = text(ref.name);
    if (kind !== 'Service' || !name) continue;
    const weight = typeof ref.weight === 'number' ? ref.weight : undefined;
    out.push({ ...base, service: name, ...(alternate ? { alternate: true } : {}), ...(weight !== undefined ? { weight } : {}) });
  }
  return out;
}

/** Every Service backend of the Ingress and Route objects, sorted by source, namespace and name (object order within one). */
export function ingressBackendsOf(objects: readonly ClusterObjectInput[]): IngressBackendModel[] {
  const sources = objects
    .filter((o) => (o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/')) || (o.kind === 'Route' && o.apiVersion.startsWith('route.openshift.io/')))
    .map((o) => ({ o, key: `${o.kind}\u0000${o.metadata.namespace || 'default'}\u0000${o.metadata.name}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sources.flatMap(({ o }) => (o.kind === 'Ingress' ? backendsOfIngress(o) : backendsOfRoute(o)));
}

export function ingressClassesOf(objects: readonly ClusterObjectInput[]): IngressClassModel[] {
  return objects
    .filter((o) => o.kind === 'IngressClass')
    .map((o) => ({
      name: o.metadata.name,
      controller: text(asRecord(o.spec).controller) ?? '',
      isDefault: o.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
