import { list, namespaceOf, findingOf, type AuditRule, type Finding } from '../finding';
import { asRecord } from '../../workloads/cluster-objects';

/**
 * `- namespaceSelector: …` and `- podSelector: …` as two list items are OR (all pods of those
 * namespaces, or those pods of the policy's namespace); one item with both is AND (semantics.md,
 * Peers). The two-item form is a classic YAML slip that opens far more than meant.
 * Informational: the OR may be intended. Read from the stored objects, where items are as written.
 */
export const peerListProbablyAnd: AuditRule = {
  id: 'peer-list-probably-and',
  severity: 'info',
  title: 'Peer written as two list items (OR) where one (AND) was probably meant',
  description: 'A from/to list has one item with only a namespaceSelector and another with only a podSelector; as separate items they are OR-ed, while one item with both would AND them.',
  check({ objects }) {
    const out: Finding[] = [];
    for (const o of objects) {
      if (o.kind !== 'NetworkPolicy') continue;
      const ref = { kind: 'NetworkPolicy', namespace: namespaceOf(o), name: o.metadata.name };
      for (const [direction, field] of [['ingress', 'from'], ['egress', 'to']] as const) {
        list(asRecord(o.spec)[direction]).forEach((rule, r) => {
          const peers = list(asRecord(rule)[field]).map(asRecord);
          const only = (key: string) => peers.findIndex((p) => p[key] !== undefined && p[key] !== null && Object.keys(p).filter((k) => p[k] !== undefined && p[k] !== null).length === 1);
          const ns = only('namespaceSelector');
          const pod = only('podSelector');
          if (ns < 0 || pod < 0) return;
          const path = `spec.${direction}[${r}].${field}`;
          out.push(
            findingOf(this, {
              objects: [ref],
              detail: path,
              message: `${ref.namespace}/${ref.name} ${path}[${ns}] has only a namespaceSelector and ${path}[${pod}] only a podSelector: as separate items they allow every pod of those namespaces OR those pods of ${ref.namespace}.`,
              fix: `If the pods were meant only inside those namespaces, merge them into one item:\n${field}:\n  - namespaceSelector: …\n    podSelector: …   # no leading "-": same item = AND`,
            }),
          );
        });
      }
    }
    return out;
  },
};
