import type { Protocol } from '../workloads/pods-from-workloads';
import { addressSortKey, joinHostPort } from './kube-proxy-names';
import type { NodeRoutingTable, RouteEndpoint } from './routing-table';

/**
 * `ipvsadm -Ln` of what kube-proxy's IPVS mode programs on the node: one virtual server per
 * frontend (ClusterIP, external IP, load-balancer IP, NodePort on each node address), scheduler
 * rr, real servers in masquerade mode with weight 1 — this node's only under a Local policy, none
 * where the iptables mode would drop or reject. ClientIP affinity is IPVS persistence. Entries
 * are sorted as ipvsadm sorts them (protocol number, address, port); counters are zero.
 */

const PROTOCOL_NUMBER: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

interface VirtualServer {
  protocol: Protocol;
  ip: string;
  port: number;
  persistence?: number;
  reals: RouteEndpoint[];
}

/** ipvsadm compares addresses with memcmp. */
const addressKey = (ip: string): string => addressSortKey(ip) ?? ip;

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function renderIpvs(table: NodeRoutingTable): string {
  const servers = new Map<string, VirtualServer>();
  for (const route of table.routes) {
    for (const frontend of route.frontends) {
      const key = `${frontend.protocol}|${frontend.ip}|${frontend.port}`;
      if (servers.has(key)) continue; // One virtual server per address, port and protocol.
      servers.set(key, {
        protocol: frontend.protocol,
        ip: frontend.ip,
        port: frontend.port,
        ...(route.sessionAffinity ? { persistence: route.sessionAffinity.timeoutSeconds } : {}),
        reals: frontend.action === 'forward' ? frontend.endpoints : [],
      });
    }
  }
  const sorted = [...servers.values()]
    .map((vs) => ({ vs, key: `${String(PROTOCOL_NUMBER[vs.protocol]).padStart(3, '0')}|${addressKey(vs.ip)}|${String(vs.port).padStart(5, '0')}` }))
    .sort(byKey)
    .map(({ vs }) => vs);

  let out = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
  for (const vs of sorted) {
    out += `${vs.protocol}  ${joinHostPort(vs.ip, vs.port)} rr${vs.persistence !== undefined ? ` persistent ${vs.persistence}` : ''}\n`;
    const reals = vs.reals
      .map((real) => ({ real, key: `${addressKey(real.ip)}|${String(real.port).padStart(5, '0')}` }))
      .sort(byKey)
      .map(({ real }) => real);
    // ipvsadm's "  -> %-28s %-7s %-6d %-10u %-10u".
    for (const real of reals) out += `  -> ${joinHostPort(real.ip, real.port).padEnd(28)} Masq    1      0          0         \n`;
  }
  return out;
}
