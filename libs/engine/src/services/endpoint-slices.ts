import { parseIpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import { matchesLabelMap } from '../labels/label-selector';
import { asRecord, type ClusterObjectInput } from '../workloads/cluster-objects';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { nameSuffix } from '../workloads/stable-hash';
import type { EndpointModel, EndpointSliceModel, ServiceEndpointsModel, ServiceModel, ServicePortModel } from './service-model';

/**
 * Endpoints of each Service as the EndpointSlice controller publishes them (semantics.md,
 * "Endpoints"): the selected pods of the service's namespace, ready or not, with each target
 * port resolved per pod; selector-less services take user-supplied EndpointSlices.
 */

/** The EndpointSlice controller's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

type AddressType = 'IPv4' | 'IPv6';
type SlicePort = EndpointSliceModel['ports'][number];

function addressTypeOf(ip: string): AddressType | undefined {
  const parsed = parseIpAddress(ip);
  return parsed ? (parsed.family === 4 ? 'IPv4' : 'IPv6') : undefined;
}

/**
 * podutil.FindPort: a number is used as is; a name resolves against the pod's container ports
 * with the service port's protocol. Undefined: this pod does not serve that port.
 */
export function resolveTargetPort(pod: ModelPod, port: ServicePortModel): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  return pod.containerPorts.find((c) => c.name === port.targetPort && c.protocol === port.protocol)?.containerPort;
}

/** The controller names slices by generateName: `<service>-` (cut to 58 characters) plus 5 random characters. */
function sliceName(service: ServiceModel, seed: string): string {
  const base = `${service.name}-`.slice(0, 58);
  return `${base}${nameSuffix(`${service.namespace}/${service.name}/${seed}`, 5)}`;
}

function endpointsFromPods(service: ServiceModel, selector: Record<string, string>, pods: readonly ModelPod[]): ServiceEndpointsModel {
  const endpoints: EndpointModel[] = [];
  // Endpoints grouped by (address type, port set), in order of first appearance, as the
  // controller's reconciler groups them before filling slices.
  const groups = new Map<string, { addressType: AddressType; ports: SlicePort[]; members: EndpointSliceModel['endpoints'] }>();
  const selected = pods.filter((p) => p.namespace === service.namespace && matchesLabelMap(selector, p.labels)).sort((a, b) => compareText(a.name, b.name));

  for (const pod of selected) {
    // publishNotReadyAddresses makes the controller publish every endpoint as ready.
    const ready = pod.ready || service.publishNotReadyAddresses;
    const hostname = pod.hostname && pod.subdomain === service.name ? pod.hostname : undefined;
    const resolved: Record<string, { port: number; protocol: Protocol }> = {};
    const slicePorts: SlicePort[] = [];
    for (const port of service.ports) {
      const number = resolveTargetPort(pod, port);
      if (number === undefined) continue; // A pod lacking the name is no endpoint for this port.
      resolved[port.name] = { port: number, protocol: port.protocol };
      slicePorts.push({ name: port.name, port: number, protocol: port.protocol });
    }
    const addressTypes: AddressType[] = service.ipFamilies ?? [addressTypeOf(pod.ips[0] ?? '')].filter((f) => f !== undefined);
    for (const addressType of addressTypes) {
      const ip = pod.ips.find((candidate) => addressTypeOf(candidate) === addressType);
      if (!ip) continue;
      endpoints.push({
        pod: `${pod.namespace}/${pod.name}`,
        ip,
        ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
        ...(hostname ? { hostname } : {}),
        ready,
        ports: resolved,
      });
      const key = `${addressType}|${slicePorts.map((p) => `${p.name}/${p.protocol}/${p.port}`).sort().join(',')}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { addressType, ports: slicePorts, members: [] }));
      group.members.push({
        addresses: [ip],
        conditions: { ready },
        ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
        ...(hostname ? { hostname } : {}),
        targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
      });
    }
  }

  const slices: EndpointSliceModel[] = [];
  for (const [key, group] of groups) {
    for (let start = 0, index = 0; start < group.members.length; start += MAX_ENDPOINTS_PER_SLICE, index++) {
      slices.push({
        name: sliceName(service, `${key}/${index}`),
        addressType: group.addressType,
        ports: group.ports,
        endpoints: group.members.slice(start, start + MAX_ENDPOINTS_PER_SLICE),
      });
    }
  }
  return { namespace: service.namespace, service: service.name, endpoints, slices };
}

/**
 * An EndpointSlice keeps addressType, endpoints and ports at the top level: the store carries
 * them in `data`; objects built by hand may have them at the top level (or, loosely, in spec).
 */
function sliceField(o: ClusterObjectInput, field: 'addressType' | 'endpoints' | 'ports'): unknown {
  const loose = o as unknown as Record<string, unknown>;
  return asRecord(loose.data)[field] ?? loose[field] ?? asRecord(o.spec)[field];
}

/** `userSlices`: the EndpointSlices of the service's namespace labelled with its name, sorted by name. */
function endpointsFromUserSlices(service: ServiceModel, userSlices: readonly ClusterObjectInput[]): ServiceEndpointsModel {
  const byIp = new Map<string, EndpointModel>();
  const slices: EndpointSliceModel[] = [];

  for (const o of userSlices) {
    const addressType = sliceField(o, 'addressType');
    if (addressType !== 'IPv4' && addressType !== 'IPv6') continue; // FQDN slices are ignored by kube-proxy.
    const rawPorts = Array.isArray(sliceField(o, 'ports')) ? (sliceField(o, 'ports') as unknown[]) : [];
    const rawEndpoints = Array.isArray(sliceField(o, 'endpoints')) ? (sliceField(o, 'endpoints') as unknown[]) : [];
    const ports: SlicePort[] = rawPorts.map(asRecord).flatMap((p) =>
      typeof p.port === 'number'
        ? [{ name: typeof p.name === 'string' ? p.name : '', port: p.port, protocol: ((typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'TCP') as Protocol) }]
        : [],
    );
    // A slice port serves the service port with the same name and protocol.
    const served: Record<string, { port: number; protocol: Protocol }> = {};
    for (const p of ports) if (service.ports.some((sp) => sp.name === p.name && sp.protocol === p.protocol)) served[p.name] = { port: p.port, protocol: p.protocol };

    const members: EndpointSliceModel['endpoints'] = [];
    for (const raw of rawEndpoints.map(asRecord)) {
      const addresses = Array.isArray(raw.addresses) ? raw.addresses.filter((a): a is string => typeof a === 'string' && a !== '') : [];
      if (addresses.length === 0) continue;
      const readyCondition = asRecord(raw.conditions).ready;
      const ready = readyCondition !== false; // Unset means ready (discovery/v1).
      const nodeName = typeof raw.nodeName === 'string' ? raw.nodeName : undefined;
      const hostname = typeof raw.hostname === 'string' ? raw.hostname : undefined;
      const ref = asRecord(raw.targetRef);
      const targetRef =
        ref.kind === 'Pod' && typeof ref.name === 'string'
          ? { kind: 'Pod' as const, namespace: typeof ref.namespace === 'string' ? ref.namespace : service.namespace, name: ref.name }
          : undefined;
      members.push({ addresses, conditions: { ready }, ...(nodeName ? { nodeName } : {}), ...(hostname ? { hostname } : {}), ...(targetRef ? { targetRef } : {}) });

      // kube-proxy uses an endpoint's first address; the same address in two slices is one endpoint.
      const ip = addresses[0]!;
      const existing = byIp.get(ip);
      if (existing) {
        existing.ready ||= ready;
        Object.assign(existing.ports, served);
      } else {
        byIp.set(ip, {
          ...(targetRef ? { pod: `${targetRef.namespace}/${targetRef.name}` } : {}),
          ip,
          ...(nodeName ? { nodeName } : {}),
          ...(hostname ? { hostname } : {}),
          ready,
          ports: { ...served },
        });
      }
    }
    slices.push({ name: o.metadata.name, addressType, ports, endpoints: members });
  }
  return { namespace: service.namespace, service: service.name, endpoints: [...byIp.values()], slices };
}

/**
 * Endpoints and EndpointSlices of every service, in the services' order. ExternalName services
 * have none; services without a selector read the EndpointSlices labelled with their name.
 */
export function computeEndpoints(services: readonly ServiceModel[], pods: readonly ModelPod[], objects: readonly ClusterObjectInput[]): ServiceEndpointsModel[] {
  const podsByNamespace = new Map<string, ModelPod[]>();
  for (const pod of pods) {
    const list = podsByNamespace.get(pod.namespace);
    if (list) list.push(pod);
    else podsByNamespace.set(pod.namespace, [pod]);
  }
  // User EndpointSlices by `ns/service`, indexed once rather than scanned per selector-less service.
  const slicesByService = new Map<string, ClusterObjectInput[]>();
  for (const o of objects) {
    const service = o.kind === 'EndpointSlice' ? o.metadata.labels?.[SERVICE_NAME_LABEL] : undefined;
    if (service === undefined) continue;
    const key = `${o.metadata.namespace ?? 'default'}/${service}`;
    const list = slicesByService.get(key);
    if (list) list.push(o);
    else slicesByService.set(key, [o]);
  }
  for (const list of slicesByService.values()) list.sort((a, b) => compareText(a.metadata.name, b.metadata.name));
  return services.map((service) => {
    if (service.type === 'ExternalName') return { namespace: service.namespace, service: service.name, endpoints: [], slices: [] };
    if (service.selector) return endpointsFromPods(service, service.selector, podsByNamespace.get(service.namespace) ?? []);
    return endpointsFromUserSlices(service, slicesByService.get(`${service.namespace}/${service.name}`) ?? []);
  });
}
