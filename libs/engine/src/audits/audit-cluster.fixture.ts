import { defaultClusterObjects } from '../cluster/default-objects';
import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests, type ManifestObject } from '../manifests/validate-manifests';
import { policyModelOf } from '../policy/cluster-policy-model';
import { computeClusterModel } from '../workloads/cluster-model';
import { toClusterObjectInput, type ClusterObjectInput } from '../workloads/cluster-objects';
import { auditCluster } from './audit-rules';
import type { AuditSettings, Finding } from './finding';

/** Test support: audits of clusters written as inline YAML, as the store would hand them over. */
export const AUDIT_SETTINGS: AuditSettings = {
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  cni: 'calico',
  nodePortRange: '30000-32767',
};


export interface AuditOptions {
  settings?: Partial<AuditSettings>;
  /** Include what every cluster starts with (system namespaces, default/kubernetes, kube-system/kube-dns). Default true. */
  defaults?: boolean;
}

/** Every finding for a cluster made of the default objects plus the YAML. */
export function auditYaml(yaml: string, options: AuditOptions = {}): Finding[] {
  const settings = { ...AUDIT_SETTINGS, ...options.settings };
  const manifests = [...(options.defaults === false ? [] : defaultClusterObjects()), ...validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' }).objects];
  const objects = manifests.map(toClusterObjectInput);
  const model = computeClusterModel(objects, settings);
  return auditCluster({ objects, model, policy: policyModelOf(model, settings), settings });
}

/** The findings of one rule. */
export function findingsOf(rule: string, yaml: string, options: AuditOptions = {}): Finding[] {
  return auditYaml(yaml, options).filter((f) => f.rule === rule);
}

/** A Deployment with labels and container ports, as inline YAML. */
export function deployment(ns: string, name: string, labels: Record<string, string>, ports: Array<{ name?: string; port: number; protocol?: string }> = []): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  replicas: 1
  selector: { matchLabels: ${JSON.stringify(labels)} }
  template:
    metadata: { labels: ${JSON.stringify(labels)} }
    spec:
      containers:
        - name: c
          image: nginx
          ports: ${JSON.stringify(ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}) })))}
---
`;
}

export function namespace(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: ${JSON.stringify(labels)} }
---
`;
}

/** A default-deny policy of both directions that still allows DNS, so other rules stay quiet. */
export function lockedDown(ns: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: ${ns} }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
---
`;
}
