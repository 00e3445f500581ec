import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests, type ManifestObject } from '../manifests/validate-manifests';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { podsOfCluster } from '../workloads/pods-from-workloads';
import { computeEndpoints } from './endpoint-slices';
import { nodesOf, normalizeServices } from './normalize-services';

/** Objects from inline YAML, as the store hands them to the engine (top-level extras in `data`). */
export function objectsFromYaml(yaml: string): ClusterObjectInput[] {
  const { objects } = validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' });
  return objects.map((o: ManifestObject) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: o.labels, annotations: o.annotations },
    ...(o.spec !== undefined ? { spec: o.spec } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
    ...(o.data !== undefined ? { data: o.data } : {}),
  }));
}

export const SMALL_SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

export function pod(ns: string, name: string, labels: Record<string, string>, ip: string, node: string, ports: Array<{ name?: string; port: number; protocol?: string }>, ready = true): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${JSON.stringify(labels)}
spec:
  nodeName: ${node}
  containers:
    - name: c
      ports: ${JSON.stringify(ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}) })))}
status:
  podIP: ${ip}
  conditions: [{ type: Ready, status: "${ready ? 'True' : 'False'}" }]
---
`;
}

export function node(name: string, ip: string, podCidr: string): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
spec:
  podCIDR: ${podCidr}
status:
  addresses: [{ type: InternalIP, address: ${ip} }, { type: Hostname, address: ${name} }]
---
`;
}

/**
 * Two nodes and three services: the selector-less `default/kubernetes` (an EndpointSlice to the
 * API server), `shop/api` (ClusterIP, named target port, 3 endpoints, ClientIP affinity) and
 * `shop/web` (NodePort 30080 with externalTrafficPolicy Local, one endpoint per node).
 */
export const SMALL_CLUSTER_YAML =
  node('node-a', '172.18.0.2', '10.244.1.0/24') +
  node('node-b', '172.18.0.3', '10.244.2.0/24') +
  `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: kubernetes, namespace: default }
spec:
  clusterIP: 10.96.0.1
  ports: [{ name: https, port: 443, targetPort: 6443 }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes
  namespace: default
  labels: { kubernetes.io/service-name: kubernetes }
addressType: IPv4
endpoints: [{ addresses: [172.18.0.2], conditions: { ready: true } }]
ports: [{ name: https, port: 6443, protocol: TCP }]
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  clusterIP: 10.96.0.20
  selector: { app: api }
  sessionAffinity: ClientIP
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  type: NodePort
  clusterIP: 10.96.0.30
  externalTrafficPolicy: Local
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }]
---
` +
  pod('shop', 'api-1', { app: 'api' }, '10.244.1.10', 'node-a', [{ name: 'http', port: 8080 }]) +
  pod('shop', 'api-2', { app: 'api' }, '10.244.2.11', 'node-b', [{ name: 'http', port: 8080 }]) +
  pod('shop', 'api-3', { app: 'api' }, '10.244.2.12', 'node-b', [{ name: 'http', port: 8080 }]) +
  pod('shop', 'web-1', { app: 'web' }, '10.244.1.20', 'node-a', [{ port: 8080 }]) +
  pod('shop', 'web-2', { app: 'web' }, '10.244.2.21', 'node-b', [{ port: 8080 }]);

/** Services, endpoints and nodes of a YAML cluster, as the worker would compute them. */
export function serviceLayer(yaml: string) {
  const objects = objectsFromYaml(yaml);
  const services = normalizeServices(objects);
  const pods = podsOfCluster(objects, SMALL_SETTINGS);
  return { objects, services, pods, endpoints: computeEndpoints(services, pods, objects), nodes: nodesOf(objects) };
}
