import { compareText } from '../cluster/text-order';
import { FINDING_SEVERITIES, type AuditInput, type AuditRule, type AuditRuleInfo, type Finding } from './finding';
import { backendPortMissing } from './rules/backend-port-missing';
import { backendServiceMissing } from './rules/backend-service-missing';
import { cidrOverlap } from './rules/cidr-overlap';
import { clusterIpClash } from './rules/cluster-ip-clash';
import { egressWithoutDns } from './rules/egress-without-dns';
import { ingressHostWithoutTls } from './rules/ingress-host-without-tls';
import { loadBalancerWithoutSourceRanges } from './rules/load-balancer-without-source-ranges';
import { namespaceWithoutDefaultDeny } from './rules/namespace-without-default-deny';
import { nodePortClash } from './rules/node-port-clash';
import { nodePortService } from './rules/node-port-service';
import { objectInDefaultNamespace } from './rules/object-in-default-namespace';
import { peerListProbablyAnd } from './rules/peer-list-probably-and';
import { policiesNotEnforced } from './rules/policies-not-enforced';
import { policyEnforcementUnknown } from './rules/policy-enforcement-unknown';
import { policyPortNeverMatches } from './rules/policy-port-never-matches';
import { policySelectsNoPod } from './rules/policy-selects-no-pod';
import { serviceAddressOutOfRange } from './rules/service-address-out-of-range';
import { serviceNameInSeveralNamespaces } from './rules/service-name-in-several-namespaces';
import { serviceSelectsNoPod } from './rules/service-selects-no-pod';
import { serviceTargetPortUndeclared } from './rules/service-target-port-undeclared';

/**
 * The audit: every rule run over one cluster state (objects as stored, the computed model and
 * its policy model). Pure: the worker stores findings and reconciles them with findings-diff.
 */
const RULES: readonly AuditRule[] = [
  cidrOverlap,
  clusterIpClash,
  nodePortClash,
  policiesNotEnforced,
  egressWithoutDns,
  serviceSelectsNoPod,
  serviceTargetPortUndeclared,
  backendServiceMissing,
  backendPortMissing,
  namespaceWithoutDefaultDeny,
  policySelectsNoPod,
  policyPortNeverMatches,
  policyEnforcementUnknown,
  ingressHostWithoutTls,
  loadBalancerWithoutSourceRanges,
  serviceAddressOutOfRange,
  nodePortService,
  objectInDefaultNamespace,
  serviceNameInSeveralNamespaces,
  peerListProbablyAnd,
];

/** The registry: one entry per rule, as the API lists them. */
export const AUDIT_RULES: readonly AuditRuleInfo[] = RULES.map(({ id, severity, title, description }) => ({ id, severity, title, description }));

const rank = (f: Finding): number => FINDING_SEVERITIES.indexOf(f.severity);

/** All findings, most severe first, then by rule and key; one finding per key. */
export function auditCluster(input: AuditInput): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const rule of RULES) for (const f of rule.check(input)) if (!byKey.has(f.key)) byKey.set(f.key, f);
  return [...byKey.values()].sort((a, b) => rank(a) - rank(b) || compareText(a.rule, b.rule) || compareText(a.key, b.key));
}
