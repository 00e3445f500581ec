import { matchesLabelMap } from '../../labels/label-selector';
import { findingOf, type AuditRule } from '../finding';
import { podsOfService } from '../pod-index';

/**
 * A Service whose selector matches no pod has no endpoints: its ClusterIP accepts connections
 * that kube-proxy rejects (iptables mode: REJECT), and headless DNS returns nothing. Usually a
 * label typo or a Service in the wrong namespace (the selector only looks in its own namespace).
 *
 * Choice: the built-in kube-system/kube-dns is skipped. Every cluster here is created with it
 * but without CoreDNS pods (default-objects.ts), which users add only to model DNS traffic.
 */
export const serviceSelectsNoPod: AuditRule = {
  id: 'service-selects-no-pod',
  severity: 'high',
  title: 'Service selector matches no pod',
  description: 'A Service with a selector that no pod of its namespace matches has no endpoints, so connections to it fail.',
  check({ model }) {
    return model.services
      .filter((s) => s.selector && !(s.namespace === 'kube-system' && s.name === 'kube-dns'))
      .filter((s) => podsOfService(model, s).length === 0)
      .map((s) => {
        const selector = Object.entries(s.selector!).map(([k, v]) => `${k}=${v}`).join(',');
        const labelled = new Set(model.pods.filter((p) => matchesLabelMap(s.selector!, p.labels)).map((p) => p.namespace));
        const elsewhere = labelled.size ? ` Pods with these labels exist in namespace(s) ${[...labelled].sort().join(', ')}, but a selector only looks in its own namespace.` : '';
        return findingOf(this, {
          objects: [{ kind: 'Service', namespace: s.namespace, name: s.name }],
          message: `Service ${s.namespace}/${s.name} selects ${selector}, which no pod in namespace ${s.namespace} carries: it has no endpoints.${elsewhere}`,
          fix: `Make spec.selector of ${s.namespace}/${s.name} match the labels of the pod template it should serve (kubectl get pods -n ${s.namespace} --show-labels), or add those labels to the workload.`,
        });
      });
  },
};
