import type * as z from 'zod';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain } from './names';
import { adminNetworkPolicy, baselineAdminNetworkPolicy } from './schemas/admin-network-policy';
import { endpointSlice } from './schemas/endpoint-slice';
import { gateway, gatewayClass, httpRoute, referenceGrant } from './schemas/gateway-api';
import { ingress, ingressClass } from './schemas/ingress';
import { networkPolicy } from './schemas/network-policy';
import { pod } from './schemas/pod-spec';
import { service } from './schemas/service';
import { namespace, node, openShiftRoute } from './schemas/uninterpreted-kinds';
import { cronJob, daemonSet, deployment, job, replicaSet, replicationController, statefulSet } from './schemas/workloads';

/** The kinds this product stores, the apiVersions it accepts for each, and their scope. */
export interface KindDefinition {
  kind: string;
  /** Lower-case plural resource name, as in URLs and `kubectl get`. */
  plural: string;
  /** kubectl short names (`deploy`, `netpol`, …). */
  shortNames: readonly string[];
  apiVersions: readonly string[];
  namespaced: boolean;
  /** Which Kubernetes name rule `metadata.name` follows for this kind. */
  checkName: (name: string) => string[];
  schema: z.ZodType;
}

const subdomain = checkDns1123Subdomain;

const definitions: KindDefinition[] = [
  { kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], apiVersions: ['v1'], namespaced: false, checkName: checkDns1123Label, schema: namespace },
  { kind: 'Node', plural: 'nodes', shortNames: ['no'], apiVersions: ['v1'], namespaced: false, checkName: subdomain, schema: node },
  { kind: 'Pod', plural: 'pods', shortNames: ['po'], apiVersions: ['v1'], namespaced: true, checkName: subdomain, schema: pod },
  { kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], apiVersions: ['apps/v1'], namespaced: true, checkName: subdomain, schema: deployment },
  { kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], apiVersions: ['apps/v1'], namespaced: true, checkName: subdomain, schema: replicaSet },
  { kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], apiVersions: ['apps/v1'], namespaced: true, checkName: subdomain, schema: statefulSet },
  { kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], apiVersions: ['apps/v1'], namespaced: true, checkName: subdomain, schema: daemonSet },
  { kind: 'Job', plural: 'jobs', shortNames: [], apiVersions: ['batch/v1'], namespaced: true, checkName: subdomain, schema: job },
  { kind: 'CronJob', plural: 'cronjobs', shortNames: ['cj'], apiVersions: ['batch/v1', 'batch/v1beta1'], namespaced: true, checkName: subdomain, schema: cronJob },
  { kind: 'ReplicationController', plural: 'replicationcontrollers', shortNames: ['rc'], apiVersions: ['v1'], namespaced: true, checkName: subdomain, schema: replicationController },
  // Service names become DNS labels; Kubernetes requires DNS-1035 (a leading letter).
  { kind: 'Service', plural: 'services', shortNames: ['svc'], apiVersions: ['v1'], namespaced: true, checkName: checkDns1035Label, schema: service },
  { kind: 'EndpointSlice', plural: 'endpointslices', shortNames: [], apiVersions: ['discovery.k8s.io/v1'], namespaced: true, checkName: subdomain, schema: endpointSlice },
  { kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'], apiVersions: ['networking.k8s.io/v1'], namespaced: true, checkName: subdomain, schema: networkPolicy },
  { kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], apiVersions: ['networking.k8s.io/v1'], namespaced: true, checkName: subdomain, schema: ingress },
  { kind: 'IngressClass', plural: 'ingressclasses', shortNames: [], apiVersions: ['networking.k8s.io/v1'], namespaced: false, checkName: subdomain, schema: ingressClass },
  { kind: 'GatewayClass', plural: 'gatewayclasses', shortNames: ['gc'], apiVersions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'], namespaced: false, checkName: subdomain, schema: gatewayClass },
  { kind: 'Gateway', plural: 'gateways', shortNames: ['gtw'], apiVersions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'], namespaced: true, checkName: subdomain, schema: gateway },
  { kind: 'HTTPRoute', plural: 'httproutes', shortNames: [], apiVersions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'], namespaced: true, checkName: subdomain, schema: httpRoute },
  { kind: 'ReferenceGrant', plural: 'referencegrants', shortNames: ['refgrant'], apiVersions: ['gateway.networking.k8s.io/v1beta1', 'gateway.networking.k8s.io/v1'], namespaced: true, checkName: subdomain, schema: referenceGrant },
  { kind: 'Route', plural: 'routes', shortNames: [], apiVersions: ['route.openshift.io/v1'], namespaced: true, checkName: subdomain, schema: openShiftRoute },
  { kind: 'AdminNetworkPolicy', plural: 'adminnetworkpolicies', shortNames: ['anp'], apiVersions: ['policy.networking.k8s.io/v1alpha1'], namespaced: false, checkName: subdomain, schema: adminNetworkPolicy },
  { kind: 'BaselineAdminNetworkPolicy', plural: 'baselineadminnetworkpolicies', shortNames: ['banp'], apiVersions: ['policy.networking.k8s.io/v1alpha1'], namespaced: false, checkName: subdomain, schema: baselineAdminNetworkPolicy },
];

export const SUPPORTED_KINDS: ReadonlyMap<string, KindDefinition> = new Map(definitions.map((d) => [d.kind, d]));

export function findKind(kind: string): KindDefinition | undefined {
  return SUPPORTED_KINDS.get(kind);
}

export function isNamespacedKind(kind: string): boolean {
  return SUPPORTED_KINDS.get(kind)?.namespaced ?? false;
}
