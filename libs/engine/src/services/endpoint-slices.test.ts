import { describe, expect, it } from 'vitest';
import { MAX_ENDPOINTS_PER_SLICE } from './endpoint-slices';
import { pod, serviceLayer, SMALL_CLUSTER_YAML } from './small-cluster.fixture';

const svc = (name: string, spec: string, ns = 'shop') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
${spec}
---
`;
const NS = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Namespace
metadata: { name: other }
---
`;

describe('computeEndpoints: pods selected by the service', () => {
  it('selects by label equality inside the service namespace only', () => {
    const { endpoints } = serviceLayer(
      NS +
        svc('api', '  clusterIP: 10.96.0.20\n  selector: { app: api }\n  ports: [{ port: 80, targetPort: 8080 }]') +
        pod('shop', 'api-1', { app: 'api', tier: 'x' }, '10.244.1.10', 'n1', []) +
        pod('shop', 'web-1', { app: 'web' }, '10.244.1.11', 'n1', []) +
        pod('other', 'api-1', { app: 'api' }, '10.244.1.12', 'n1', []),
    );
    expect(endpoints[0]!.endpoints).toEqual([{ pod: 'shop/api-1', ip: '10.244.1.10', nodeName: 'n1', ready: true, ports: { '': { port: 8080, protocol: 'TCP' } } }]);
  });

  it('lists not-ready pods as not ready, and as ready under publishNotReadyAddresses', () => {
    const { endpoints } = serviceLayer(
      NS +
        svc('a', '  clusterIP: 10.96.0.20\n  selector: { app: api }\n  ports: [{ port: 80 }]') +
        svc('b', '  clusterIP: None\n  publishNotReadyAddresses: true\n  selector: { app: api }\n  ports: [{ port: 80 }]') +
        pod('shop', 'api-1', { app: 'api' }, '10.244.1.10', 'n1', [], true) +
        pod('shop', 'api-2', { app: 'api' }, '10.244.1.11', 'n1', [], false),
    );
    expect(endpoints[0]!.endpoints.map((e) => [e.pod, e.ready])).toEqual([['shop/api-1', true], ['shop/api-2', false]]);
    expect(endpoints[0]!.slices[0]!.endpoints.map((e) => e.conditions.ready)).toEqual([true, false]);
    expect(endpoints[1]!.endpoints.map((e) => e.ready)).toEqual([true, true]);
  });

  it('resolves a named targetPort per pod, with the matching protocol; a pod lacking the name serves no traffic on that port', () => {
    const { endpoints } = serviceLayer(
      NS +
        svc('api', '  clusterIP: 10.96.0.20\n  selector: { app: api }\n  ports: [{ name: web, port: 80, targetPort: http }, { name: dns, port: 53, protocol: UDP, targetPort: dns }, { name: admin, port: 9000, targetPort: 9000 }]') +
        pod('shop', 'api-old', { app: 'api' }, '10.244.1.10', 'n1', [{ name: 'http', port: 8080 }, { name: 'dns', port: 53, protocol: 'TCP' }]) +
        pod('shop', 'api-new', { app: 'api' }, '10.244.1.11', 'n1', [{ name: 'http', port: 9090 }, { name: 'dns', port: 5353, protocol: 'UDP' }]) +
        pod('shop', 'api-bare', { app: 'api' }, '10.244.1.12', 'n1', []),
    );
    const byPod = Object.fromEntries(endpoints[0]!.endpoints.map((e) => [e.pod, e.ports]));
    expect(byPod['shop/api-old']).toEqual({ web: { port: 8080, protocol: 'TCP' }, admin: { port: 9000, protocol: 'TCP' } }); // dns is TCP there: no match
    expect(byPod['shop/api-new']).toEqual({ web: { port: 9090, protocol: 'TCP' }, dns: { port: 5353, protocol: 'UDP' }, admin: { port: 9000, protocol: 'TCP' } });
    expect(byPod['shop/api-bare']).toEqual({ admin: { port: 9000, protocol: 'TCP' } });
    // The controller groups endpoints by port set: three different sets, three slices.
    expect(endpoints[0]!.slices.map((s) => [s.ports.map((p) => `${p.name}:${p.port}`), s.endpoints.map((e) => e.targetRef?.name)])).toEqual([
      [['admin:9000'], ['api-bare']],
      [['web:9090', 'dns:5353', 'admin:9000'], ['api-new']],
      [['web:8080', 'admin:9000'], ['api-old']],
    ]);
  });

  it('gives StatefulSet pods their hostname only for the service named as their subdomain', () => {
    const yaml =
      NS +
      svc('db', '  clusterIP: None\n  selector: { app: db }\n  ports: [{ port: 5432 }]') +
      svc('db-read', '  clusterIP: 10.96.0.30\n  selector: { app: db }\n  ports: [{ port: 5432 }]') +
      `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  serviceName: db
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: pg, ports: [{ containerPort: 5432 }] }] }
---
`;
    const { endpoints } = serviceLayer(yaml);
    expect(endpoints[0]!.endpoints.map((e) => e.hostname)).toEqual(['db-0', 'db-1']);
    expect(endpoints[0]!.slices[0]!.endpoints.map((e) => e.hostname)).toEqual(['db-0', 'db-1']);
    expect(endpoints[1]!.endpoints.map((e) => e.hostname)).toEqual([undefined, undefined]);
  });

  it('puts at most 100 endpoints in a slice, with deterministic distinct `<service>-<suffix>` names and the IP family as address type', () => {
    let yaml = NS + svc('big', '  clusterIP: 10.96.0.50\n  selector: { app: big }\n  ports: [{ name: http, port: 80 }]');
    for (let i = 0; i < 250; i++) yaml += pod('shop', `big-${String(i).padStart(3, '0')}`, { app: 'big' }, `10.244.${1 + Math.floor(i / 200)}.${(i % 200) + 10}`, 'n1', []);
    const first = serviceLayer(yaml).endpoints[0]!;
    expect(MAX_ENDPOINTS_PER_SLICE).toBe(100);
    expect(first.endpoints).toHaveLength(250);
    expect(first.slices.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    expect(first.slices.every((s) => s.addressType === 'IPv4' && /^big-[a-z0-9]{5}$/.test(s.name))).toBe(true);
    expect(new Set(first.slices.map((s) => s.name)).size).toBe(3);
    expect(serviceLayer(yaml).endpoints[0]!.slices.map((s) => s.name)).toEqual(first.slices.map((s) => s.name));
  });

  it('marks IPv6 endpoints with addressType IPv6', () => {
    const { endpoints } = serviceLayer(
      NS + svc('v6', '  clusterIP: fd00:10:96::20\n  selector: { app: v6 }\n  ports: [{ port: 80 }]') + pod('shop', 'v6-1', { app: 'v6' }, 'fd00:10:244:1::10', 'n1', []),
    );
    expect(endpoints[0]!.slices[0]).toMatchObject({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00:10:244:1::10'] }] });
  });
});

describe('computeEndpoints: services without a selector, and ExternalName', () => {
  it('reads user EndpointSlices labelled with the service name (ready unless said otherwise)', () => {
    const { endpoints } = serviceLayer(
      NS +
        svc('legacy', '  clusterIP: 10.96.0.60\n  ports: [{ name: pg, port: 5432 }]') +
        `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: legacy-1, namespace: shop, labels: { kubernetes.io/service-name: legacy } }
addressType: IPv4
endpoints:
  - addresses: [192.0.2.10]
  - addresses: [192.0.2.11]
    conditions: { ready: false }
    nodeName: n2
ports: [{ name: pg, port: 15432, protocol: TCP }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: someone-else, namespace: shop, labels: { kubernetes.io/service-name: other } }
addressType: IPv4
endpoints: [{ addresses: [192.0.2.99] }]
ports: [{ name: pg, port: 1 }]
---
`,
    );
    expect(endpoints[0]!.endpoints).toEqual([
      { ip: '192.0.2.10', ready: true, ports: { pg: { port: 15432, protocol: 'TCP' } } },
      { ip: '192.0.2.11', nodeName: 'n2', ready: false, ports: { pg: { port: 15432, protocol: 'TCP' } } },
    ]);
    expect(endpoints[0]!.slices.map((s) => s.name)).toEqual(['legacy-1']);
  });

  it('gives ExternalName services no endpoints', () => {
    const { endpoints } = serviceLayer(NS + svc('ext', '  type: ExternalName\n  externalName: db.example.com\n  selector: { app: api }') + pod('shop', 'api-1', { app: 'api' }, '10.244.1.10', 'n1', []));
    expect(endpoints[0]).toEqual({ namespace: 'shop', service: 'ext', endpoints: [], slices: [] });
  });

  it('reads the small cluster: the kubernetes service from its slice, the others from their pods', () => {
    const { endpoints } = serviceLayer(SMALL_CLUSTER_YAML);
    expect(endpoints.map((e) => [`${e.namespace}/${e.service}`, e.endpoints.map((x) => x.ip)])).toEqual([
      ['default/kubernetes', ['172.18.0.2']],
      ['shop/api', ['10.244.1.10', '10.244.2.11', '10.244.2.12']],
      ['shop/web', ['10.244.1.20', '10.244.2.21']],
    ]);
  });
});
