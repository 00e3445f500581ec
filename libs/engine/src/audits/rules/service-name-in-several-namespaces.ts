import { findingOf, heldBySeveral, type AuditRule } from '../finding';

/**
 * A short name resolves in the client's own namespace first (`db` from `shop` is
 * db.shop.svc.<zone>: semantics.md, Cluster DNS), so one name in several namespaces means the
 * same configuration reaches a different Service depending on where it runs. Informational.
 * Keyed by the name alone: a namespace joining or leaving does not make it a new problem.
 */
export const serviceNameInSeveralNamespaces: AuditRule = {
  id: 'service-name-in-several-namespaces',
  severity: 'info',
  title: 'Service name used in several namespaces',
  description: 'Services of the same name exist in several namespaces; a short name reaches a different one depending on the client\'s namespace.',
  check({ model, settings }) {
    return heldBySeveral(model.services, (s) => [s.name]).map(([name, refs]) =>
      findingOf(this, {
        objects: refs,
        keyObjects: [],
        detail: `name=${name}`,
        message: `Service name ${name} exists in namespaces ${refs.map((r) => r.namespace).join(', ')}: the short name "${name}" reaches a different one depending on the client's namespace.`,
        fix: `Have clients use the qualified name ${name}.<namespace>.svc.${settings.clusterDomain} (or ${name}.<namespace>), or rename the Services so each name is unique.`,
      }),
    );
  },
};
