import { describe, expect, it } from 'vitest';
import { renderIpvs } from './render-ipvs';
import { routingTable } from './routing-table';
import { node, pod, serviceLayer, SMALL_CLUSTER_YAML } from './small-cluster.fixture';

const tableOf = (yaml: string, nodeName: string) => {
  const l = serviceLayer(yaml);
  return routingTable(l.services, l.endpoints, l.nodes, nodeName, { clusterCidr: '10.244.0.0/16' });
};
const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;
/** ipvsadm's real-server line: "  -> %-28s %-7s %-6d %-10u %-10u". */
const real = (address: string) => `  -> ${address.padEnd(28)} Masq    1      0          0         \n`;

describe('renderIpvs', () => {
  it('renders the small cluster on node-a: one virtual server per ClusterIP and NodePort, persistence for ClientIP affinity', () => {
    expect(renderIpvs(tableOf(SMALL_CLUSTER_YAML, 'node-a'))).toBe(
      HEADER +
        'TCP  10.96.0.1:443 rr\n' +
        real('172.18.0.2:6443') +
        'TCP  10.96.0.20:80 rr persistent 10800\n' +
        real('10.244.1.10:8080') +
        real('10.244.2.11:8080') +
        real('10.244.2.12:8080') +
        'TCP  10.96.0.30:80 rr\n' +
        real('10.244.1.20:8080') +
        real('10.244.2.21:8080') +
        // externalTrafficPolicy Local: the NodePort only balances over this node's endpoint.
        'TCP  172.18.0.2:30080 rr\n' +
        real('10.244.1.20:8080'),
    );
  });

  it('lists the other node’s NodePort with its own local endpoint', () => {
    const text = renderIpvs(tableOf(SMALL_CLUSTER_YAML, 'node-b'));
    expect(text.endsWith(`TCP  172.18.0.3:30080 rr\n${real('10.244.2.21:8080')}`)).toBe(true);
  });

  it('keeps a virtual server without real servers where traffic is dropped, sorting by protocol then address', () => {
    const yaml =
      node('node-a', '172.18.0.2', '10.244.1.0/24') +
      `apiVersion: v1
kind: Service
metadata: { name: dns, namespace: default }
spec: { clusterIP: 10.96.0.10, selector: { app: dns }, internalTrafficPolicy: Local, ports: [{ name: dns, port: 53, protocol: UDP }, { name: tcp, port: 53 }] }
---
` +
      pod('default', 'dns-1', { app: 'dns' }, '10.244.2.5', 'node-b', [{ port: 53, protocol: 'UDP' }, { port: 53 }]);
    expect(renderIpvs(tableOf(yaml, 'node-a'))).toBe(`${HEADER}TCP  10.96.0.10:53 rr\nUDP  10.96.0.10:53 rr\n`);
  });
});
