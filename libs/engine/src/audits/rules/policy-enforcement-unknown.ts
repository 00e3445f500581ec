import { enforcementOf } from '../../policy/policy-model';
import { findingOf, type AuditRule } from '../finding';
import { byNamespace } from './policies-not-enforced';

/**
 * A CNI plugin the engine does not know ('other') is assumed to enforce, which may be wrong:
 * the verdicts shown may not be what packets do.
 */
export const policyEnforcementUnknown: AuditRule = {
  id: 'policy-enforcement-unknown',
  severity: 'medium',
  title: 'NetworkPolicy enforcement unknown for the CNI plugin',
  description: 'The cluster\'s CNI plugin is not one known to enforce NetworkPolicy; verdicts assume enforcement, which may not hold.',
  check({ model, settings }) {
    // Known not to enforce (flannel) is policies-not-enforced's finding; known to enforce has no warning.
    const { enforced, warnings } = enforcementOf(settings.cni);
    if (!enforced || warnings.length === 0) return [];
    return byNamespace(model.policies).map(([ns, names]) =>
      findingOf(this, {
        objects: [{ kind: 'Namespace', name: ns }],
        message: `CNI plugin "${settings.cni}" is not known to enforce NetworkPolicy: the policies of namespace ${ns} (${names.join(', ')}) are assumed enforced, which may not hold.`,
        fix: `Check that the CNI plugin enforces NetworkPolicy (e.g. a deny test between two pods) and set the cluster's cni setting to it (calico, cilium, antrea, weave, canal, flannel).`,
      }),
    );
  },
};
