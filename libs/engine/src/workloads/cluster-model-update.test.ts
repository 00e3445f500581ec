import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultClusterObjects } from '../cluster/default-objects';
import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests } from '../manifests/validate-manifests';
import { computeClusterModel } from './cluster-model';
import { updateClusterModel } from './cluster-model-update';
import { toClusterObjectInput, type ClusterObjectInput } from './cluster-objects';

const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

const BASE = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.244.1.0/24}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec: {rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
`;

/** One change of each kind the model reads, as the objects after it. */
const CHANGES: Record<string, (objects: ClusterObjectInput[]) => ClusterObjectInput[]> = {
  NetworkPolicy: (objects) => [...objects, parse(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web, namespace: other}
spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http}]}]}`)],
  Namespace: (objects) => objects.map((o) => (o.kind === 'Namespace' && o.metadata.name === 'shop' ? { ...o, metadata: { ...o.metadata, labels: { team: 'b' } } } : o)),
  Deployment: (objects) => objects.map((o) => (o.kind === 'Deployment' ? { ...o, spec: { ...(o.spec as object), replicas: 3 } } : o)),
  Service: (objects) => objects.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'web')),
  Node: (objects) => [...objects, parse(`apiVersion: v1
kind: Node
metadata: {name: node-2}
spec: {podCIDR: 10.244.2.0/24}`)],
  Ingress: (objects) => objects.filter((o) => o.kind !== 'Ingress'),
};

function parse(yaml: string): ClusterObjectInput {
  return toClusterObjectInput(validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' }).objects[0]!);
}

const base = [...defaultClusterObjects(), ...validateManifests(parseManifestBody(BASE, 'yaml'), { fieldValidation: 'Warn' }).objects].map(toClusterObjectInput);

describe('updateClusterModel', () => {
  it('gives what computeClusterModel gives, after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.keys(CHANGES)), { minLength: 1, maxLength: 4 }), (kinds) => {
        let objects = base;
        let model = computeClusterModel(objects, SETTINGS);
        for (const kind of kinds) {
          objects = CHANGES[kind]!(objects);
          model = updateClusterModel(model, objects, new Set([kind]), SETTINGS);
          expect(model).toEqual(computeClusterModel(objects, SETTINGS));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the very parts a policy change cannot affect', () => {
    const before = computeClusterModel(base, SETTINGS);
    const after = updateClusterModel(before, CHANGES.NetworkPolicy!(base), new Set(['NetworkPolicy']), SETTINGS);
    expect(after.pods).toBe(before.pods);
    expect(after.services).toBe(before.services);
    expect(after.endpoints).toBe(before.endpoints);
    expect(after.policies).not.toBe(before.policies);
    expect(after.namespaces.map((n) => n.name)).toContain('other');
  });

  it('re-derives pods and endpoints when a workload changes', () => {
    const before = computeClusterModel(base, SETTINGS);
    const after = updateClusterModel(before, CHANGES.Deployment!(base), new Set(['Deployment']), SETTINGS);
    expect(after.pods.filter((p) => p.namespace === 'shop')).toHaveLength(3);
    expect(after.policies).toBe(before.policies);
    expect(after.endpoints).not.toBe(before.endpoints);
  });
});
