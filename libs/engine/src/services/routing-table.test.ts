import { describe, expect, it } from 'vitest';
import { renderIptables } from './render-iptables';
import { findFrontend, routingTable } from './routing-table';
import { node, pod, serviceLayer, SMALL_CLUSTER_YAML } from './small-cluster.fixture';

const OPTIONS = { clusterCidr: '10.244.0.0/16' };
const NODES = node('node-a', '172.18.0.2', '10.244.1.0/24') + node('node-b', '172.18.0.3', '10.244.2.0/24');
const NS = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n---\n';

function tableOf(yaml: string, nodeName = 'node-a') {
  const l = serviceLayer(yaml);
  return routingTable(l.services, l.endpoints, l.nodes, nodeName, OPTIONS);
}

/** A service of shop with pods app=web on node-a (web-a) and node-b (web-b). */
function cluster(spec: string, podsOnA = 1, podsOnB = 1, readyOnB = true): string {
  let yaml = `${NODES}${NS}apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
${spec}
---
`;
  for (let i = 0; i < podsOnA; i++) yaml += pod('shop', `web-a${i}`, { app: 'web' }, `10.244.1.${20 + i}`, 'node-a', [{ name: 'http', port: 8080 }]);
  for (let i = 0; i < podsOnB; i++) yaml += pod('shop', `web-b${i}`, { app: 'web' }, `10.244.2.${20 + i}`, 'node-b', [{ name: 'http', port: 8080 }], readyOnB);
  return yaml;
}

describe('routingTable', () => {
  it('sends a ClusterIP to every ready endpoint, masquerading only off-cluster sources', () => {
    const t = tableOf(cluster('  clusterIP: 10.96.0.30\n  ports: [{ name: http, port: 80, targetPort: http }]', 1, 2));
    const hit = findFrontend(t, '10.96.0.30', 80, 'TCP')!;
    expect(hit.route.servicePortName).toBe('shop/web:http');
    expect(hit.frontend).toMatchObject({ kind: 'ClusterIP', action: 'forward', policy: 'Cluster', masquerade: 'off-cluster' });
    expect(hit.frontend.endpoints.map((e) => `${e.ip}:${e.port}${e.local ? ' local' : ''}`)).toEqual(['10.244.1.20:8080 local', '10.244.2.20:8080', '10.244.2.21:8080']);
  });

  it('gives not-ready endpoints no traffic, and rejects when no endpoint is ready', () => {
    const t = tableOf(cluster('  clusterIP: 10.96.0.30\n  ports: [{ port: 80, targetPort: 8080 }]', 0, 2, false));
    expect(t.routes[0]!.knownEndpoints).toBe(2);
    expect(t.routes[0]!.frontends[0]).toMatchObject({ action: 'reject', endpoints: [] });
    expect(renderIptables(t)).not.toContain('10.96.0.30');
  });

  it('internalTrafficPolicy Local: only this node’s endpoints; a node without one drops', () => {
    const yaml = cluster('  clusterIP: 10.96.0.30\n  internalTrafficPolicy: Local\n  ports: [{ port: 80, targetPort: 8080 }]', 1, 1);
    const onA = tableOf(yaml, 'node-a').routes[0]!.frontends[0]!;
    expect(onA).toMatchObject({ action: 'forward', policy: 'Local' });
    expect(onA.endpoints.map((e) => e.ip)).toEqual(['10.244.1.20']);
    const yamlOnlyB = cluster('  clusterIP: 10.96.0.30\n  internalTrafficPolicy: Local\n  ports: [{ port: 80, targetPort: 8080 }]', 0, 1);
    expect(tableOf(yamlOnlyB, 'node-a').routes[0]!.frontends[0]).toMatchObject({ action: 'drop', endpoints: [] });
  });

  it('NodePort with externalTrafficPolicy Cluster: on each node address, to all endpoints, SNAT', () => {
    const t = tableOf(cluster('  type: NodePort\n  clusterIP: 10.96.0.30\n  ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }]', 0, 2));
    const np = findFrontend(t, '172.18.0.2', 30080, 'TCP')!.frontend;
    expect(np).toMatchObject({ kind: 'NodePort', action: 'forward', policy: 'Cluster', masquerade: 'always', shortCircuitsClusterTraffic: false });
    expect(np.endpoints).toHaveLength(2);
    expect(renderIptables(t)).toContain('-A KUBE-EXT-E3PXEPMWAWIUT6ZV -m comment --comment "masquerade traffic for shop/web external destinations" -j KUBE-MARK-MASQ\n-A KUBE-EXT-E3PXEPMWAWIUT6ZV -j KUBE-SVC-E3PXEPMWAWIUT6ZV\n');
  });

  it('NodePort with externalTrafficPolicy Local: local endpoints only, client IP kept; a node without one drops external traffic', () => {
    const yaml = cluster('  type: NodePort\n  clusterIP: 10.96.0.30\n  externalTrafficPolicy: Local\n  ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }]', 1, 2);
    const onA = findFrontend(tableOf(yaml, 'node-a'), '172.18.0.2', 30080, 'TCP')!.frontend;
    expect(onA).toMatchObject({ action: 'forward', policy: 'Local', masquerade: 'never', shortCircuitsClusterTraffic: true });
    expect(onA.endpoints.map((e) => e.ip)).toEqual(['10.244.1.20']);
    const onBOnlyA = tableOf(cluster('  type: NodePort\n  clusterIP: 10.96.0.30\n  externalTrafficPolicy: Local\n  ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }]', 1, 0), 'node-b');
    expect(findFrontend(onBOnlyA, '172.18.0.3', 30080, 'TCP')!.frontend).toMatchObject({ action: 'drop', endpoints: [] });
    // The ClusterIP of the same service still reaches every endpoint.
    expect(findFrontend(onBOnlyA, '10.96.0.30', 80, 'TCP')!.frontend).toMatchObject({ action: 'forward', policy: 'Cluster' });
    // iptables: the EXT chain ends without a jump to KUBE-SVL (nothing local): the filter table drops.
    const rules = renderIptables(onBOnlyA).split('\n').filter((l) => l.startsWith('-A KUBE-EXT-'));
    expect(rules.map((l) => l.split(' -j ')[1])).toEqual(['KUBE-SVC-E3PXEPMWAWIUT6ZV', 'KUBE-MARK-MASQ', 'KUBE-SVC-E3PXEPMWAWIUT6ZV']);
  });

  it('LoadBalancer: ingress IPs, source ranges through KUBE-FW (others dropped), external IPs', () => {
    const t = tableOf(
      cluster(`  type: LoadBalancer
  clusterIP: 10.96.0.30
  externalIPs: [192.0.2.10]
  loadBalancerSourceRanges: [203.0.113.0/24, 172.18.0.0/16]
  ports: [{ port: 443, targetPort: 8080, nodePort: 30443 }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.7 }] } }`),
    );
    expect(t.routes[0]!.frontends.map((f) => `${f.kind} ${f.ip}:${f.port} [${f.sourceRanges.join(',')}]`)).toEqual([
      'ClusterIP 10.96.0.30:443 []',
      'ExternalIP 192.0.2.10:443 []',
      'LoadBalancer 198.51.100.7:443 [203.0.113.0/24,172.18.0.0/16]',
      'NodePort 172.18.0.2:30443 []',
    ]);
    const fw = renderIptables(t).split('\n').filter((l) => l.includes('KUBE-FW-') || l.includes('external IP'));
    expect(fw).toEqual([
      ':KUBE-FW-E3PXEPMWAWIUT6ZV - [0:0]',
      '-A KUBE-FW-E3PXEPMWAWIUT6ZV -s 203.0.113.0/24 -m comment --comment "shop/web loadbalancer IP" -j KUBE-EXT-E3PXEPMWAWIUT6ZV',
      '-A KUBE-FW-E3PXEPMWAWIUT6ZV -s 172.18.0.0/16 -m comment --comment "shop/web loadbalancer IP" -j KUBE-EXT-E3PXEPMWAWIUT6ZV',
      // The node's own address is in a range: the VIP looping back from this node is allowed too.
      '-A KUBE-FW-E3PXEPMWAWIUT6ZV -s 198.51.100.7/32 -m comment --comment "shop/web loadbalancer IP" -j KUBE-EXT-E3PXEPMWAWIUT6ZV',
      '-A KUBE-FW-E3PXEPMWAWIUT6ZV -m comment --comment "other traffic to shop/web will be dropped by KUBE-PROXY-FIREWALL"',
      '-A KUBE-SERVICES -d 192.0.2.10/32 -p tcp -m comment --comment "shop/web external IP" -m tcp --dport 443 -j KUBE-EXT-E3PXEPMWAWIUT6ZV',
      '-A KUBE-SERVICES -d 198.51.100.7/32 -p tcp -m comment --comment "shop/web loadbalancer IP" -m tcp --dport 443 -j KUBE-FW-E3PXEPMWAWIUT6ZV',
    ]);
  });

  it('ClientIP affinity carries its timeout', () => {
    const t = tableOf(cluster('  clusterIP: 10.96.0.30\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }\n  ports: [{ port: 80 }]'));
    expect(t.routes[0]!.sessionAffinity).toEqual({ timeoutSeconds: 60 });
    expect(renderIptables(t)).toContain('-m recent --rcheck --seconds 60 --reap --name KUBE-SEP-');
  });

  it('skips headless and ExternalName services, orders routes by namespace, name, port, and endpoints as kube-proxy does (as `ip:port` strings)', () => {
    let yaml = `${NODES}${NS}apiVersion: v1
kind: Service
metadata: { name: b, namespace: shop }
spec: { clusterIP: 10.96.0.11, selector: { app: x }, ports: [{ name: z, port: 2 }, { name: a, port: 1 }] }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: shop }
spec: { clusterIP: None, selector: { app: x }, ports: [{ port: 1 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ext, namespace: shop }
spec: { type: ExternalName, externalName: example.com }
---
`;
    for (const ip of ['10.244.1.5', '10.244.1.10', '10.244.1.100']) yaml += pod('shop', `x-${ip.split('.')[3]}`, { app: 'x' }, ip, 'node-a', []);
    const t = tableOf(yaml);
    expect(t.routes.map((r) => r.servicePortName)).toEqual(['shop/b:z', 'shop/b:a']);
    // "10.244.1.100:2" < "10.244.1.10:2" < "10.244.1.5:2" byte-wise (':' sorts after '0').
    expect(t.routes[0]!.clusterEndpoints.map((e) => e.ip)).toEqual(['10.244.1.100', '10.244.1.10', '10.244.1.5']);
  });

  it('computes the small cluster for node-a', () => {
    const t = tableOf(SMALL_CLUSTER_YAML);
    expect(t).toMatchObject({ nodeName: 'node-a', family: 4, nodeAddresses: ['172.18.0.2'], clusterCidr: '10.244.0.0/16' });
    expect(t.routes.map((r) => `${r.servicePortName} ${r.clusterIP}:${r.port} -> ${r.clusterEndpoints.length}`)).toEqual([
      'default/kubernetes:https 10.96.0.1:443 -> 1',
      'shop/api:http 10.96.0.20:80 -> 3',
      'shop/web 10.96.0.30:80 -> 2',
    ]);
  });
});
