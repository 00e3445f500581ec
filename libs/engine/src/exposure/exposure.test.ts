import { describe, expect, it } from 'vitest';
import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests } from '../manifests/validate-manifests';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { computeClusterModel, type ClusterModel } from '../workloads/cluster-model';
import { connectionList, renderConnectionList } from '../connectivity/connection-list';
import { policyModelOf } from '../policy/cluster-policy-model';
import type { PolicyModel } from '../policy/policy-model';
import { ingressBackendsOf } from './ingress-backends';
import { ingressTraffic, servicePortsOfBackend } from './ingress-controller';
import { exposureReport, intervalToCidrs, renderExposure } from './exposure-report';

const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

function build(yaml: string): { cluster: ClusterModel; model: PolicyModel } {
  const { objects } = validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' });
  const inputs: ClusterObjectInput[] = objects.map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: o.labels, annotations: o.annotations },
    ...(o.spec !== undefined ? { spec: o.spec } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
  }));
  const cluster = computeClusterModel(inputs, SETTINGS);
  return { cluster, model: policyModelOf(cluster, SETTINGS) };
}

const deployment = (ns: string, name: string, app: string, ports: Array<{ name?: string; port: number }>): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec:
      containers:
        - name: c
          image: x
          ports:
${ports.map((p) => `            - containerPort: ${p.port}${p.name ? `\n              name: ${p.name}` : ''}`).join('\n')}
---
`;

const SHOP =
  `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
` +
  deployment('shop', 'web', 'web', [{ name: 'http', port: 8080 }, { port: 9000 }]) +
  `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: admin, port: 9000, targetPort: 9000 }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: web, port: { number: 80 } } }
---
`;

const WEB_ONLY_FROM_NGINX = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } }
      ports: [{ port: 8080 }]
---
`;

describe('ingress backends', () => {
  it('flattens Ingress rules, defaultBackend and Route to/alternateBackends', () => {
    const backends = ingressBackendsOf([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'i', namespace: 'a' },
        spec: {
          ingressClassName: 'nginx',
          defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } },
          tls: [{ hosts: ['x.example.com'] }],
          rules: [{ host: 'x.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }],
        },
      },
      {
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: { name: 'r', namespace: 'a' },
        spec: { to: { kind: 'Service', name: 'main', weight: 90 }, alternateBackends: [{ kind: 'Service', name: 'canary', weight: 10 }], port: { targetPort: 'http' } },
      },
    ]);
    expect(backends).toEqual([
      { source: 'Ingress', namespace: 'a', name: 'i', ingressClassName: 'nginx', service: 'fallback', port: 'http', defaultBackend: true },
      { source: 'Ingress', namespace: 'a', name: 'i', ingressClassName: 'nginx', service: 'api', port: 8080, host: 'x.example.com', path: '/api', pathType: 'Prefix', tls: true },
      { source: 'Route', namespace: 'a', name: 'r', port: 'http', service: 'main', weight: 90 },
      { source: 'Route', namespace: 'a', name: 'r', port: 'http', service: 'canary', alternate: true, weight: 10 },
    ]);
  });

  it('an Ingress port is a service port; a Route targetPort is a port name or a target port', () => {
    const ports = [
      { name: 'grpc', port: 5000, protocol: 'TCP' as const, targetPort: 8080 },
      { name: 'http', port: 80, protocol: 'TCP' as const, targetPort: 'web' },
    ];
    const base = { namespace: 'a', name: 'x', service: 's' };
    expect(servicePortsOfBackend({ ...base, source: 'Ingress', port: 8080 }, ports)).toEqual([]);
    expect(servicePortsOfBackend({ ...base, source: 'Ingress', port: 5000 }, ports)).toEqual([ports[0]]);
    expect(servicePortsOfBackend({ ...base, source: 'Route', port: 8080 }, ports)).toEqual([ports[0]]);
    expect(servicePortsOfBackend({ ...base, source: 'Route', port: 'http' }, ports)).toEqual([ports[1]]);
    expect(servicePortsOfBackend({ ...base, source: 'Route' }, ports)).toEqual(ports);
  });
});

describe('ingress controller traffic', () => {
  it('without the controller workload: {ingress-controller} rows on the resolved target port', () => {
    const { cluster, model } = build(SHOP);
    const rows = connectionList(model, { clusterModel: cluster });
    expect(rows.filter((r) => r.src === '{ingress-controller}').map((r) => `${r.dst} : ${r.conn}`)).toEqual(['shop/web[Deployment] : TCP 8080']);
    // Models without ingress data, or no clusterModel option: no such rows.
    expect(connectionList(model).some((r) => r.src === '{ingress-controller}')).toBe(false);
    expect(connectionList(model, { clusterModel: { ...cluster, ingressBackends: undefined } }).some((r) => r.src === '{ingress-controller}')).toBe(false);
    // Focus on the stand-in by its name.
    expect(renderConnectionList(connectionList(model, { clusterModel: cluster, focusWorkload: { name: 'ingress-controller' } }), 'txt')).toBe('{ingress-controller} => shop/web[Deployment] : TCP 8080');
  });

  it('the stand-in is an unlabelled pod of its own namespace: a namespace-name selector does not admit it', () => {
    const { cluster, model } = build(SHOP + WEB_ONLY_FROM_NGINX);
    expect(connectionList(model, { clusterModel: cluster }).some((r) => r.src === '{ingress-controller}')).toBe(false);
    const open = build(SHOP + WEB_ONLY_FROM_NGINX.replace('{ matchLabels: { kubernetes.io/metadata.name: ingress-nginx } }', '{}'));
    expect(connectionList(open.model, { clusterModel: open.cluster }).find((r) => r.src === '{ingress-controller}')?.conn).toBe('TCP 8080');
  });

  it('with the controller workload: its pods are the source, policies apply as to any pod', () => {
    const nginx = `apiVersion: v1
kind: Namespace
metadata: { name: ingress-nginx }
---
${deployment('ingress-nginx', 'ingress-nginx-controller', 'nginx', [{ port: 80 }])}`;
    const { cluster, model } = build(SHOP + WEB_ONLY_FROM_NGINX + nginx);
    const traffic = ingressTraffic(model, cluster);
    expect(traffic).toHaveLength(1);
    expect(traffic[0]!.source).toBe('ingress-nginx/ingress-nginx-controller[Deployment]');
    expect(traffic[0]!.allowed).toEqual({ TCP: [[8080, 8080]], UDP: [], SCTP: [] });
    // No stand-in rows: the controller's rows are ordinary pod-to-pod rows.
    expect(connectionList(model, { clusterModel: cluster }).some((r) => r.src === '{ingress-controller}')).toBe(false);
    // A custom setting pointing elsewhere brings the stand-in back (and the policy denies it).
    const other = ingressTraffic(model, cluster, { ingressControllers: [{ controller: 'k8s.io/ingress-nginx', workload: { kind: 'Deployment', namespace: 'x', name: 'y' } }] });
    expect(other[0]!.source).toBe('{ingress-controller}');
    expect(other[0]!.allowed).toEqual({ TCP: [], UDP: [], SCTP: [] });
  });
});

describe('exposure report', () => {
  const lb = `apiVersion: v1
kind: Service
metadata: { name: web-lb, namespace: shop }
spec:
  type: LoadBalancer
  selector: { app: web }
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports:
    - { name: http, port: 443, targetPort: 8080, nodePort: 30443 }
---
`;
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from: [{ ipBlock: { cidr: 0.0.0.0/0, except: [192.168.0.0/16] } }]
      ports: [{ port: 8080 }]
    - from: [{ namespaceSelector: {} }]
---
`;

  it('lists ingress, LoadBalancer, NodePort and ipBlock paths with ports and sources', () => {
    const { cluster, model } = build(SHOP + lb + policy);
    const report = exposureReport({ model, clusterModel: cluster, settings: SETTINGS });
    const rows = report.rows.map((r) => ({ via: r.via, ports: r.ports, sources: r.sources }));
    expect(rows).toContainEqual({ via: 'ingress', ports: 'TCP 8080', sources: ['any'] });
    expect(rows).toContainEqual({ via: 'loadBalancer', ports: 'TCP 8080', sources: ['203.0.113.0/24'] });
    const nodePort = report.rows.find((r) => r.via === 'nodePort')!;
    expect(nodePort.ports).toBe('TCP 8080');
    expect(nodePort.sources).not.toContain('any');
    expect(nodePort.sources).not.toContain('192.168.0.0/16');
    expect(nodePort.sources).toContain('0.0.0.0/5');
    const ipBlock = report.rows.find((r) => r.via === 'ipBlock')!;
    expect(ipBlock.ports).toBe('TCP 8080');
    expect(ipBlock.sources).not.toContain('10.244.0.0/16');
  });

  it('a pod not isolated for ingress is exposed to any address; txt follows the peer format', () => {
    const { cluster, model } = build(SHOP);
    const report = exposureReport({ model, clusterModel: cluster, settings: SETTINGS });
    expect(report.rows.find((r) => r.via === 'ipBlock')).toMatchObject({ workload: 'shop/web[Deployment]', ports: 'All Connections', sources: ['any'] });
    expect(renderExposure(report, 'txt').split('\n')).toEqual([
      '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections',
      'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      '{ingress-controller} => shop/web[Deployment] : TCP 8080',
      '',
      'Exposure Analysis Result:',
      'Egress Exposure:',
      'shop/web[Deployment] \t=> \t0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Deployment] \t=> \tentire-cluster : All Connections',
      '',
      'Ingress Exposure:',
      'shop/web[Deployment] \t<= \t0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Deployment] \t<= \tentire-cluster : All Connections',
      '',
      'Workloads not protected by network policies:',
      'shop/web[Deployment] is not protected on Egress',
      'shop/web[Deployment] is not protected on Ingress',
    ]);
    expect(JSON.parse(renderExposure(report, 'json')).rows).toEqual(report.rows);
  });

  it('names a policy peer no pod stands for as the peer does', () => {
    const { cluster, model } = build(
      SHOP +
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ namespaceSelector: { matchExpressions: [{ key: env, operator: In, values: [prod] }] } }]
      ports: [{ port: http }]
---
`,
    );
    const report = exposureReport({ model, clusterModel: cluster, settings: SETTINGS });
    expect(report.lines.filter((l) => l.direction === 'ingress').map((l) => `${l.peer} : ${l.connections}`)).toEqual([
      '[namespace with {{Key:env,Operator:In,Values:[prod],}}]/[all pods] : TCP 8080',
    ]);
  });

  it('turns intervals into CIDRs', () => {
    expect(intervalToCidrs(4, [0n, (1n << 32n) - 1n])).toEqual(['0.0.0.0/0']);
    expect(intervalToCidrs(4, [10n, 17n])).toEqual(['0.0.0.10/31', '0.0.0.12/30', '0.0.0.16/31']);
  });
});
