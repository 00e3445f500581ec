import { compareText } from '../cluster/text-order';
import { dnsRecords } from '../services/dns-records';
import { routingTable } from '../services/routing-table';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ComputeSettings } from '../workloads/cluster-objects';
import { connectivityChange, type ConnectivityChangeOptions, type ConnectivitySide } from './connectivity-change';
import type { ConnectionDiff } from './connectivity-diff';
import { diffKeyed, type ChangeKind } from './keyed-diff';
import { diffNorthSouth, type GatewayRouteChange, type IngressRouteChange, type NorthSouthSide } from './north-south-diff';

/**
 * What a change does to the network: the workload connectivity (peer diff rows), the service
 * routes (each ClusterIP:port and the ready endpoints kube-proxy balances over, the same on every
 * node), north-south routing (Ingress tables, HTTPRoutes on Gateways: north-south-diff.ts), and
 * the records cluster DNS serves. North-south rows need the objects of each side.
 */
export type ModelSide = ConnectivitySide & Omit<NorthSouthSide, 'clusterModel'>;

export type { ChangeKind } from './keyed-diff';

export interface RouteChange {
  /** `ns/name` of the service. */
  service: string;
  /** The service port: `<name>/<protocol>` or `<number>/<protocol>` for an unnamed one. */
  port: string;
  change: ChangeKind;
  /** `ClusterIP:port/protocol -> ip:port, ip:port` (or `-> no ready endpoint`). */
  old?: string;
  new?: string;
}

export interface DnsChange {
  name: string;
  type: string;
  change: ChangeKind;
  old?: string[];
  new?: string[];
}

export interface ModelDiff {
  connectivity: ConnectionDiff[];
  routes: RouteChange[];
  ingressRoutes: IngressRouteChange[];
  gatewayRoutes: GatewayRouteChange[];
  dns: DnsChange[];
}

/** The node-independent route text of every proxied service port, keyed `ns/svc\0port`. */
export function serviceRoutes(model: ClusterModel, settings: Pick<ComputeSettings, 'podCidr'>): Map<string, { service: string; port: string; text: string }> {
  const out = new Map<string, { service: string; port: string; text: string }>();
  // One table per family of the pod CIDR; cluster-wide endpoints do not depend on the node.
  for (const clusterCidr of settings.podCidr.split(',').map((c) => c.trim()).filter(Boolean)) {
    const table = routingTable(model.services, model.endpoints, model.nodes, model.nodes[0]?.name ?? '', { clusterCidr });
    for (const route of table.routes) {
      const service = `${route.namespace}/${route.service}`;
      const port = `${route.portName || route.port}/${route.protocol}`;
      const endpoints = route.clusterEndpoints.map((e) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`));
      const vip = route.clusterIP.includes(':') ? `[${route.clusterIP}]` : route.clusterIP;
      const text = `${vip}:${route.port}/${route.protocol} -> ${endpoints.length > 0 ? endpoints.join(', ') : 'no ready endpoint'}`;
      const key = `${service}\u0000${port}`;
      const previous = out.get(key);
      out.set(key, previous ? { ...previous, text: `${previous.text}; ${text}` } : { service, port, text });
    }
  }
  return out;
}

function dnsIndex(model: ClusterModel, clusterDomain: string): Map<string, { name: string; type: string; values: string[] }> {
  const out = new Map<string, { name: string; type: string; values: string[] }>();
  for (const r of dnsRecords({ services: model.services, endpoints: model.endpoints, pods: model.pods, clusterDomain })) {
    const key = `${r.name}\u0000${r.type}`;
    const entry = out.get(key);
    if (entry) entry.values.push(r.value);
    else out.set(key, { name: r.name, type: r.type, values: [r.value] });
  }
  for (const entry of out.values()) entry.values.sort(compareText);
  return out;
}

export function diffModels(before: ModelSide, after: ModelSide, settings: Pick<ComputeSettings, 'podCidr' | 'clusterDomain'> & ConnectivityChangeOptions): ModelDiff {
  const connectivity = connectivityChange(before, after, settings.ingressControllers ? { ingressControllers: settings.ingressControllers } : {});
  const b = before.clusterModel;
  const a = after.clusterModel;
  // Parts the other side reuses as they are (a what-if of policies only) give the same routes and records.
  const routes =
    b.services === a.services && b.endpoints === a.endpoints && b.nodes === a.nodes
      ? []
      : diffKeyed(
          serviceRoutes(b, settings),
          serviceRoutes(a, settings),
          (x, y) => x.text === y.text,
          (change, old, now): RouteChange => ({ service: (old ?? now)!.service, port: (old ?? now)!.port, change, ...(old ? { old: old.text } : {}), ...(now ? { new: now.text } : {}) }),
        );
  const dns =
    b.services === a.services && b.endpoints === a.endpoints && b.pods === a.pods
      ? []
      : diffKeyed(
          dnsIndex(b, settings.clusterDomain),
          dnsIndex(a, settings.clusterDomain),
          (x, y) => x.values.join('\n') === y.values.join('\n'),
          (change, old, now): DnsChange => ({ name: (old ?? now)!.name, type: (old ?? now)!.type, change, ...(old ? { old: old.values } : {}), ...(now ? { new: now.values } : {}) }),
        );
  const northSouth = diffNorthSouth(before, after);
  return { connectivity, routes, ingressRoutes: northSouth.ingress, gatewayRoutes: northSouth.gateway, dns };
}
