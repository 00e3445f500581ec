import { Injectable } from '@nestjs/common';
import {
  DomainError,
  findEndpoints,
  parseEndpointRef,
  queryDnsRecords,
  renderIptables,
  renderIpvs,
  renderNftables,
  resolveFromPod,
  routingTable,
  type DnsRecordType,
  type NodeRoutingTable,
} from '@switchyard/engine';
import { PolicySnapshots } from '../reachability/policy-snapshots';

export type RouteFormat = 'json' | 'iptables' | 'ipvs' | 'nftables';

const DNS_TYPES: readonly DnsRecordType[] = ['A', 'AAAA', 'SRV', 'CNAME', 'PTR'];

const invalid = (path: string, message: string) => new DomainError('INVALID', message, [{ path, reason: 'FieldValueInvalid', message }]);

const revisionOf = PolicySnapshots.revisionOf;

/** Routing tables and cluster DNS, read from the latest snapshot. One service behind REST and GraphQL. */
@Injectable()
export class ServiceLayerService {
  constructor(private readonly snapshots: PolicySnapshots) {}

  async routes(cluster: string, query: { node?: string; format?: string; consistent?: boolean }) {
    if (query.format !== undefined && !['json', 'iptables', 'ipvs', 'nftables'].includes(query.format)) {
      throw new DomainError('INVALID', 'unsupported format', [
        { path: 'format', reason: 'FieldValueNotSupported', message: 'supported values: "json", "iptables", "ipvs", "nftables"' },
      ]);
    }
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    const nodes = snapshot.clusterModel.nodes;
    let node = query.node;
    if (node === undefined) {
      if (nodes.length > 1) throw invalid('node', `the cluster has ${nodes.length} nodes: choose one (${nodes.slice(0, 5).map((n) => n.name).join(', ')}${nodes.length > 5 ? ', ...' : ''})`);
      node = nodes[0]?.name ?? '';
    } else if (!nodes.some((n) => n.name === node)) {
      throw new DomainError('NOT_FOUND', `node "${node}" does not exist`, [{ path: 'node', reason: 'NotFound', message: `node "${node}" does not exist` }]);
    }
    const format = (query.format ?? snapshot.settings.kubeProxyMode) as RouteFormat;
    const table = PolicySnapshots.derive(snapshot, `routes:${node}`, (): NodeRoutingTable =>
      routingTable(snapshot.clusterModel.services, snapshot.clusterModel.endpoints, nodes, node!, { clusterCidr: snapshot.settings.podCidr }),
    );
    const text = format === 'iptables' ? renderIptables(table) : format === 'ipvs' ? renderIpvs(table) : format === 'nftables' ? renderNftables(table) : undefined;
    return { ...revisionOf(snapshot), node: node || undefined, format, mode: snapshot.settings.kubeProxyMode, table, text };
  }

  /** Endpoints and EndpointSlices as the EndpointSlice controller would publish them. */
  async endpoints(cluster: string, query: { namespace?: string; service?: string; consistent?: boolean }) {
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    const selected = snapshot.clusterModel.endpoints.filter(
      (e) => (query.namespace === undefined || e.namespace === query.namespace) && (query.service === undefined || e.service === query.service),
    );
    if (query.service !== undefined && selected.length === 0) {
      const exists = snapshot.clusterModel.services.some((s) => s.name === query.service && (query.namespace === undefined || s.namespace === query.namespace));
      if (!exists) {
        throw new DomainError('NOT_FOUND', `service "${query.service}" does not exist`, [{ path: 'service', reason: 'NotFound', message: `no service "${query.service}"${query.namespace ? ` in namespace "${query.namespace}"` : ''}` }]);
      }
    }
    return { ...revisionOf(snapshot), items: selected };
  }

  async dnsRecords(cluster: string, query: { name?: string; type?: string; consistent?: boolean }) {
    const type = query.type === undefined ? undefined : this.dnsType(query.type);
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    const records = queryDnsRecords(snapshot.dnsRecords, { ...(query.name ? { name: query.name } : {}), ...(type ? { type } : {}) });
    return { ...revisionOf(snapshot), zone: snapshot.settings.clusterDomain, records };
  }

  async resolve(cluster: string, query: { name: string; from: string; type?: string; consistent?: boolean }) {
    const type = this.dnsType(query.type ?? 'A');
    if (!query.name || query.name.trim() === '') throw invalid('name', 'a name to resolve is required');
    const from = parseEndpointRef(query.from ?? '', 'from');
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    if (from.type === 'ip') throw invalid('from', 'resolution is seen from a pod: give <namespace>/<pod> or <kind>/<namespace>/<name>');
    findEndpoints(snapshot.model, from, 'from'); // the pod or workload must exist
    const resolution = resolveFromPod({ records: snapshot.dnsRecords, name: query.name, type, namespace: from.namespace, clusterDomain: snapshot.settings.clusterDomain });
    const dnsService = snapshot.clusterModel.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
    return {
      ...revisionOf(snapshot),
      resolvConf: { nameserver: dnsService?.clusterIPs[0], search: resolution.searchPath, options: ['ndots:5'] },
      ...resolution,
    };
  }

  private dnsType(text: string): DnsRecordType {
    const type = text.toUpperCase() as DnsRecordType;
    if (!DNS_TYPES.includes(type)) {
      throw new DomainError('INVALID', 'unsupported record type', [
        { path: 'type', reason: 'FieldValueNotSupported', message: `supported values: ${DNS_TYPES.map((t) => `"${t}"`).join(', ')}` },
      ]);
    }
    return type;
  }
}
