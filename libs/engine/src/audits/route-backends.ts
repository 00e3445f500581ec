import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { list, namespaceOf, type FindingObject } from './finding';
import { asRecord } from '../workloads/cluster-objects';

/**
 * The Service backends that Ingresses and HTTPRoutes name, read from the stored objects:
 * Ingress `spec.defaultBackend` and `spec.rules[].http.paths[].backend.service`, HTTPRoute
 * `spec.rules[].backendRefs[]` of kind Service (group core) with an optional namespace.
 */
export interface ServiceBackendRef {
  source: FindingObject;
  /** Where in the source, e.g. `spec.rules[0].http.paths[1].backend`. */
  path: string;
  namespace: string;
  service: string;
  /** A port number or (Ingress only) a service port name; undefined when omitted. */
  port?: number | string;
}

/** Read once per audit: two rules (backend-service-missing, backend-port-missing) ask for them. */
const memo = new WeakMap<readonly ClusterObjectInput[], readonly ServiceBackendRef[]>();

export function serviceBackends(objects: readonly ClusterObjectInput[]): readonly ServiceBackendRef[] {
  let out = memo.get(objects);
  if (!out) memo.set(objects, (out = readServiceBackends(objects)));
  return out;
}

function readServiceBackends(objects: readonly ClusterObjectInput[]): ServiceBackendRef[] {
  const out: ServiceBackendRef[] = [];
  for (const o of objects) {
    const namespace = namespaceOf(o);
    const source: FindingObject = { kind: o.kind, namespace, name: o.metadata.name };
    const spec = asRecord(o.spec);
    if (o.kind === 'Ingress') {
      const add = (backend: unknown, path: string) => {
        const service = asRecord(asRecord(backend).service);
        if (typeof service.name !== 'string') return; // a `resource` backend: not a Service
        const port = asRecord(service.port);
        const value = typeof port.number === 'number' ? port.number : typeof port.name === 'string' ? port.name : undefined;
        out.push({ source, path, namespace, service: service.name, ...(value !== undefined ? { port: value } : {}) });
      };
      if (spec.defaultBackend) add(spec.defaultBackend, 'spec.defaultBackend');
      list(spec.rules).forEach((rule, r) =>
        list(asRecord(asRecord(rule).http).paths).forEach((p, i) => add(asRecord(p).backend, `spec.rules[${r}].http.paths[${i}].backend`)),
      );
    } else if (o.kind === 'HTTPRoute') {
      list(spec.rules).forEach((rule, r) =>
        list(asRecord(rule).backendRefs).forEach((raw, i) => {
          const ref = asRecord(raw);
          const group = typeof ref.group === 'string' ? ref.group : '';
          const kind = typeof ref.kind === 'string' ? ref.kind : 'Service';
          if (group !== '' || kind !== 'Service' || typeof ref.name !== 'string') return;
          out.push({
            source,
            path: `spec.rules[${r}].backendRefs[${i}]`,
            namespace: typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : namespace,
            service: ref.name,
            ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
          });
        }),
      );
    }
  }
  return out;
}
