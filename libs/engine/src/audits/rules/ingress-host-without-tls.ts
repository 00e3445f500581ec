import { ingressHostMatches } from '../../ingress/ingress-routes';
import { findingOf, list, namespaceOf, type AuditRule } from '../finding';
import { asRecord } from '../../workloads/cluster-objects';

/**
 * A host served without TLS carries requests, cookies and credentials in clear text. TLS is
 * terminated by a `tls` entry with a `secretName` (semantics.md, Ingress: "`tls[].hosts` with
 * `secretName`"), as the routing tables read it: an entry that lists the host, a wildcard entry
 * matching it by exactly one label, or an entry without `hosts` (the secret serves every host).
 * An entry without `secretName` terminates nothing. A rule without a host (every host) counts as
 * the host `*`, covered only by an entry without `hosts`.
 */
export const ingressHostWithoutTls: AuditRule = {
  id: 'ingress-host-without-tls',
  severity: 'medium',
  title: 'Ingress host served without TLS',
  description: 'An Ingress rule serves a host that no spec.tls entry with a secretName covers, so it is reachable over plain HTTP only.',
  check({ objects }) {
    return objects
      .filter((o) => o.kind === 'Ingress')
      .flatMap((o) => {
        const spec = asRecord(o.spec);
        const tls = list(spec.tls).map((t) => ({
          hosts: list(asRecord(t).hosts).filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase()),
          secret: typeof asRecord(t).secretName === 'string' && asRecord(t).secretName !== '',
        }));
        const hosts = [...new Set(list(spec.rules).map((r) => asRecord(r).host).map((h) => (typeof h === 'string' && h !== '' ? h.toLowerCase() : '*')))].sort();
        const namespace = namespaceOf(o);
        const covering = (host: string) => tls.filter((entry) => entry.hosts.length === 0 || (host !== '*' && entry.hosts.some((t) => ingressHostMatches(t, host))));
        return hosts
          .filter((host) => !covering(host).some((entry) => entry.secret))
          .map((host) => {
            const listedWithoutSecret = covering(host).length > 0;
            const name = `${namespace}/${o.metadata.name}`;
            return findingOf(this, {
              objects: [{ kind: 'Ingress', namespace, name: o.metadata.name }],
              detail: `host=${host}`,
              message: listedWithoutSecret
                ? `Ingress ${name} serves ${host === '*' ? 'every host' : `host ${host}`} without TLS: the spec.tls entry covering it has no secretName, so it terminates nothing.`
                : host === '*'
                  ? `Ingress ${name} has a rule without host and no TLS entry: it serves every host over plain HTTP.`
                  : `Ingress ${name} serves host ${host} without TLS: no spec.tls entry lists it.`,
              fix: listedWithoutSecret
                ? `Set secretName on the spec.tls entry of ${name} covering ${host === '*' ? 'every host' : host}: a kubernetes.io/tls Secret in ${namespace} (cert-manager can issue it), and redirect HTTP to HTTPS.`
                : `Add to spec.tls of ${name}: - hosts: [${host === '*' ? '<host>' : host}]\n    secretName: <a kubernetes.io/tls Secret in ${namespace}> (cert-manager can issue it), and redirect HTTP to HTTPS.`,
            });
          });
      });
  },
};
