import type { ServiceEndpointsModel, ServiceModel, ServicePortModel } from '../services/service-model';

/** A backend Service port resolved against the service layer: the port and where it sends traffic. */
export interface BackendEndpoint {
  /** `ns/name` of the pod; absent for addresses supplied without a pod. */
  pod?: string;
  ip: string;
  /** The resolved target port on this endpoint. */
  port: number;
  /** Not-ready endpoints are listed but receive no traffic. */
  ready: boolean;
}

export interface ResolvedServicePort {
  servicePort?: ServicePortModel;
  endpoints: BackendEndpoint[];
  /** Why the backend cannot receive traffic at all (missing service or port). */
  problem?: string;
  notes: string[];
}

/** The service port a backend names: a port number, or a service port NAME (Ingress allows both). */
export function findServicePort(ports: readonly ServicePortModel[], ref: number | string): ServicePortModel | undefined {
  return ports.find((p) => (typeof ref === 'number' ? p.port === ref : p.name === ref));
}

/** Indexes services and their endpoints once; lookups on the hot path are map reads. */
export class ServiceIndex {
  private readonly services = new Map<string, ServiceModel>();
  private readonly endpoints = new Map<string, ServiceEndpointsModel>();

  constructor(services: readonly ServiceModel[], endpoints: readonly ServiceEndpointsModel[]) {
    for (const s of services) this.services.set(`${s.namespace}/${s.name}`, s);
    for (const e of endpoints) this.endpoints.set(`${e.namespace}/${e.service}`, e);
  }

  has(namespace: string, name: string): boolean {
    return this.services.has(`${namespace}/${name}`);
  }

  /** The port is a service port number, or a service port NAME (Ingress allows both). */
  resolve(namespace: string, name: string, port: number | string | undefined): ResolvedServicePort {
    const key = `${namespace}/${name}`;
    const service = this.services.get(key);
    if (!service) return { endpoints: [], problem: `service ${key} not found`, notes: [] };
    const notes: string[] = [];
    let servicePort: ServicePortModel | undefined;
    if (port === undefined) {
      if (service.ports.length === 1) servicePort = service.ports[0];
      else return { endpoints: [], problem: `no port given and service ${key} has ${service.ports.length} ports`, notes };
    } else {
      servicePort = findServicePort(service.ports, port);
    }
    if (!servicePort) {
      const known = service.ports.map((p) => (p.name ? `${p.name}/${p.port}` : `${p.port}`)).join(', ') || 'none';
      return { endpoints: [], problem: `service ${key} has no port ${JSON.stringify(port)} (ports: ${known})`, notes };
    }
    if (service.type === 'ExternalName') {
      notes.push(`ExternalName service: proxied to ${service.externalName ?? '(no externalName)'}; no endpoints`);
      return { servicePort, endpoints: [], notes };
    }
    // A pod without the named target port is not an endpoint of this service port.
    const endpoints: BackendEndpoint[] = [];
    for (const e of this.endpoints.get(key)?.endpoints ?? []) {
      const target = e.ports[servicePort.name];
      if (!target) continue;
      endpoints.push({ ...(e.pod !== undefined ? { pod: e.pod } : {}), ip: e.ip, port: target.port, ready: e.ready });
    }
    if (!endpoints.some((e) => e.ready)) notes.push('no ready endpoints: requests get 503');
    return { servicePort, endpoints, notes };
  }
}
