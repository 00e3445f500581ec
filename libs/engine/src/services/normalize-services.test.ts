import { describe, expect, it } from 'vitest';
import { nodesOf, normalizeServices } from './normalize-services';
import { objectsFromYaml } from './small-cluster.fixture';

const one = (yaml: string) => normalizeServices(objectsFromYaml(yaml))[0]!;

describe('normalizeServices', () => {
  it('applies the API defaults: ClusterIP, TCP, targetPort = port, no affinity (10800 s), Cluster policies', () => {
    const s = one(`apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  clusterIP: 10.96.0.20
  selector: { app: api }
  ports: [{ port: 80 }]
`);
    expect(s).toEqual({
      namespace: 'shop', name: 'api', type: 'ClusterIP', clusterIPs: ['10.96.0.20'], headless: false, selector: { app: 'api' },
      ports: [{ name: '', port: 80, protocol: 'TCP', targetPort: 80 }], externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [],
      sessionAffinity: 'None', sessionAffinityTimeout: 10800, externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster',
      publishNotReadyAddresses: false, ipFamilies: ['IPv4'],
    });
  });

  it('reads clusterIPs before clusterIP, and treats a missing address as none', () => {
    const [dual, missing] = normalizeServices(objectsFromYaml(`apiVersion: v1
kind: Service
metadata: { name: a }
spec: { clusterIP: 10.96.0.5, clusterIPs: [10.96.0.5, "fd00::5"], ports: [{ port: 1 }] }
---
apiVersion: v1
kind: Service
metadata: { name: b }
spec: { ports: [{ port: 1 }] }
`));
    expect(dual!.clusterIPs).toEqual(['10.96.0.5', 'fd00::5']);
    expect(dual!.ipFamilies).toEqual(['IPv4', 'IPv6']);
    expect(missing!.clusterIPs).toEqual([]);
    expect(missing!.headless).toBe(false);
  });

  it('knows headless and ExternalName services, which have no virtual IP', () => {
    const [db, ext] = normalizeServices(objectsFromYaml(`apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ name: pg, port: 5432 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ext }
spec: { type: ExternalName, externalName: api.example.com }
`));
    expect(db).toMatchObject({ headless: true, clusterIPs: [], selector: { app: 'db' } });
    expect(ext).toMatchObject({ type: 'ExternalName', externalName: 'api.example.com', clusterIPs: [], headless: false });
    expect(ext!.selector).toBeUndefined();
  });

  it('reads NodePorts, LoadBalancer ingress IPs, source ranges (field or annotation), external IPs, affinity and policies', () => {
    const [lb, annotated] = normalizeServices(objectsFromYaml(`apiVersion: v1
kind: Service
metadata: { name: lb }
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.40
  selector: { app: lb }
  externalIPs: [192.0.2.10]
  loadBalancerSourceRanges: [203.0.113.0/24]
  sessionAffinity: ClientIP
  sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } }
  externalTrafficPolicy: Local
  internalTrafficPolicy: Local
  publishNotReadyAddresses: true
  ports: [{ name: https, port: 443, targetPort: 8443, nodePort: 31443, protocol: TCP }, { name: dns, port: 53, protocol: UDP, targetPort: dns }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.7 }, { hostname: lb.example.com }] } }
---
apiVersion: v1
kind: Service
metadata:
  name: m
  annotations: { service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 192.168.0.0/16" }
spec: { type: LoadBalancer, clusterIP: 10.96.0.41, ports: [{ port: 80 }] }
`));
    expect(lb).toMatchObject({
      type: 'LoadBalancer', externalIPs: ['192.0.2.10'], loadBalancerIPs: ['198.51.100.7'], loadBalancerSourceRanges: ['203.0.113.0/24'],
      sessionAffinity: 'ClientIP', sessionAffinityTimeout: 600, externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', publishNotReadyAddresses: true,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 31443 }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }],
    });
    expect(annotated!.loadBalancerSourceRanges).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
    expect(annotated!.selector).toBeUndefined();
  });

  it('treats an empty selector as none (the API server does not keep `{}`)', () => {
    expect(one(`apiVersion: v1
kind: Service
metadata: { name: s }
spec: { clusterIP: 10.96.0.9, selector: {}, ports: [{ port: 80 }] }
`).selector).toBeUndefined();
  });
});

describe('nodesOf', () => {
  it('takes InternalIP then ExternalIP addresses, the pod CIDR and the labels', () => {
    expect(nodesOf(objectsFromYaml(`apiVersion: v1
kind: Node
metadata: { name: n1, labels: { zone: a } }
spec: { podCIDR: 10.244.1.0/24 }
status: { addresses: [{ type: ExternalIP, address: 203.0.113.5 }, { type: Hostname, address: n1 }, { type: InternalIP, address: 172.18.0.2 }] }
`))).toEqual([{ name: 'n1', addresses: ['172.18.0.2', '203.0.113.5'], podCidr: '10.244.1.0/24', labels: { zone: 'a' } }]);
  });
});
