import { findingOf, refText, type AuditRule } from '../finding';
import { serviceBackends } from '../route-backends';

/**
 * An Ingress or HTTPRoute backend naming a Service that does not exist gets no traffic: the
 * Ingress controller answers 503 for its paths, a Gateway sets ResolvedRefs=False
 * (BackendNotFound) and answers 500. Usually a rename or a namespace mix-up.
 */
export const backendServiceMissing: AuditRule = {
  id: 'backend-service-missing',
  severity: 'high',
  title: 'Ingress or HTTPRoute backend Service missing',
  description: 'An Ingress or HTTPRoute sends traffic to a Service that does not exist, so requests routed there fail.',
  check({ objects, model }) {
    const services = new Set(model.services.map((s) => `${s.namespace}/${s.name}`));
    return serviceBackends(objects)
      .filter((b) => !services.has(`${b.namespace}/${b.service}`))
      .map((b) =>
        findingOf(this, {
          objects: [b.source],
          detail: `${b.path}->${b.namespace}/${b.service}`,
          message: `${refText(b.source)} ${b.path} routes to Service ${b.namespace}/${b.service}, which does not exist: requests routed there fail.`,
          fix: `Point ${b.path} at an existing Service (kubectl get svc -n ${b.namespace}), or create Service ${b.namespace}/${b.service}.`,
        }),
      );
  },
};
