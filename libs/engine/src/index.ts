export * from './errors/domain-error';
export * from './addresses/cidr-blocks';
export * from './labels/label-selector';
export * from './manifests/names';
export * from './manifests/parse-documents';
export * from './manifests/kinds';
export * from './manifests/kind-names';
export * from './manifests/field-validation';
export * from './manifests/validate-manifests';
export * from './manifests/apply-plan';
export * from './manifests/stable-json';
export * from './cluster/cluster-settings';
export * from './workloads/cluster-objects';
export * from './workloads/cluster-model';
export * from './workloads/cluster-model-update';
export * from './workloads/pods-from-workloads';
export * from './connectivity/connection-set';
export * from './connectivity/connection-list';
export * from './connectivity/connection-list-codec';
export * from './policy/compiled-policies';
export * from './policy/pod-classes';
export * from './policy/policy-model';
export * from './policy/cluster-policy-model';
export { parseEndpointRef, parsePortRef, parseProtocol, type EndpointRef } from './queries/endpoint-ref';
export * from './services/service-model';
export * from './services/service-ipam';
export * from './cluster/default-objects';
export * from './services/dns-records';
export * from './services/dns-resolver';
export * from './services/service-reachability';
export { normalizeServices, nodesOf, DEFAULT_AFFINITY_TIMEOUT_SECONDS } from './services/normalize-services';
export { computeEndpoints, resolveTargetPort, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL } from './services/endpoint-slices';
export {
  routingTable,
  findFrontend,
  reachableEndpoints,
  usesClusterEndpoints,
  usesLocalEndpoints,
  type NodeRoutingTable,
  type RoutingTableOptions,
  type ServicePortRoute,
  type RouteFrontend,
  type RouteFrontendKind,
  type RouteEndpoint,
} from './services/routing-table';
export { renderIptables, iptablesSaveString, LARGE_CLUSTER_ENDPOINTS_THRESHOLD } from './services/render-iptables';
export { renderIpvs } from './services/render-ipvs';
export { renderNftables } from './services/render-nftables';
export {
  servicePortNameString,
  portProtoHash,
  iptablesServiceChains,
  iptablesEndpointChain,
  nftServiceChainBase,
  nftEndpointChainBase,
  kubeProxyProbability,
  iptablesSavedProbability,
  type IptablesServiceChains,
} from './services/kube-proxy-names';
export * from './changes/connectivity-diff';
export {
  FINDING_SEVERITIES,
  type FindingSeverity,
  type FindingObject,
  type Finding,
  type AuditSettings,
  type AuditInput,
  type AuditRuleInfo,
} from './audits/finding';
export { AUDIT_RULES, auditCluster } from './audits/audit-rules';
export { reconcileFindings, type FindingsReconciliation } from './audits/findings-diff';
export * from './changes/apply-in-memory';
export * from './changes/model-diff';
export * from './ingress/ingress-routes';
export * from './ingress/ingress-match';
export { exactPathMatches, prefixPathMatches, parseRequestUrl, type ParsedRequestUrl } from './ingress/http-paths';
export type { BackendEndpoint } from './ingress/service-backends';
export * from './gateway/gateway-routes';
export * from './gateway/gateway-match';
export { gatewayHostMatches, intersectHostnames } from './gateway/gateway-hostnames';
export * from './diagnosis/diagnose';
export * from './exposure/ingress-backends';
export * from './exposure/ingress-controller';
export * from './exposure/exposure-report';
export * from './exposure/gateway-data-plane';
export * from './exposure/controller-entry';
export * from './exposure/url-reachability';
export * from './changes/connectivity-change';
export * from './changes/north-south-diff';
export * from './queries/find-endpoints';
