import type { EndpointModel, ServiceEndpointsModel, ServiceModel, ServicePortModel } from '../services/service-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';

/** Small builders of stored objects and service models for ingress and gateway tests. */
export function service(namespace: string, name: string, ports: Array<Partial<ServicePortModel> & { port: number }>, type: ServiceModel['type'] = 'ClusterIP'): ServiceModel {
  return {
    namespace,
    name,
    type,
    clusterIPs: type === 'ExternalName' ? [] : ['10.96.0.50'],
    headless: false,
    selector: { app: name },
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: 'TCP', targetPort: p.targetPort ?? p.port })),
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    sessionAffinity: 'None',
    sessionAffinityTimeout: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    publishNotReadyAddresses: false,
  };
}

export function endpointsOf(namespace: string, svc: string, endpoints: Array<{ pod: string; ip: string; ready?: boolean; ports: Record<string, number> }>): ServiceEndpointsModel {
  return {
    namespace,
    service: svc,
    endpoints: endpoints.map(
      (e): EndpointModel => ({
        pod: `${namespace}/${e.pod}`,
        ip: e.ip,
        ready: e.ready ?? true,
        ports: Object.fromEntries(Object.entries(e.ports).map(([k, port]) => [k, { port, protocol: 'TCP' as const }])),
      }),
    ),
    slices: [],
  };
}

export function object(kind: string, apiVersion: string, name: string, namespace: string | undefined, spec: unknown, meta: Partial<ClusterObjectInput['metadata']> = {}): ClusterObjectInput {
  return { apiVersion, kind, metadata: { name, ...(namespace !== undefined ? { namespace } : {}), ...meta }, spec };
}

export const ingressClass = (name: string, controller: string, isDefault = false): ClusterObjectInput =>
  object('IngressClass', 'networking.k8s.io/v1', name, undefined, { controller }, isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {});

export const ingress = (namespace: string, name: string, spec: unknown, meta: Partial<ClusterObjectInput['metadata']> = {}): ClusterObjectInput =>
  object('Ingress', 'networking.k8s.io/v1', name, namespace, spec, meta);

/** An Ingress path to a service port (number) or port name (string). */
export const ipath = (path: string, pathType: string, svc: string, port: number | string = 80) => ({
  path,
  pathType,
  backend: { service: { name: svc, port: typeof port === 'number' ? { number: port } : { name: port } } },
});
