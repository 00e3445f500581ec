import { findingOf, list, namespaceOf, record, type AuditRule } from '../finding';

/**
 * A host served without TLS carries requests, cookies and credentials in clear text. A host is
 * covered by a `tls` entry that lists it, a wildcard entry matching it by exactly one label
 * (semantics.md, Ingress host rules), or an entry without `hosts` (the controller's default
 * certificate for every host). A rule without a host (every host) counts as the host `*`.
 */
export const ingressHostWithoutTls: AuditRule = {
  id: 'ingress-host-without-tls',
  severity: 'medium',
  title: 'Ingress host served without TLS',
  description: 'An Ingress rule serves a host that no spec.tls entry covers, so it is reachable over plain HTTP only.',
  check({ objects }) {
    return objects
      .filter((o) => o.kind === 'Ingress')
      .flatMap((o) => {
        const spec = record(o.spec);
        const tls = list(spec.tls).map((t) => list(record(t).hosts).filter((h): h is string => typeof h === 'string'));
        const hosts = [...new Set(list(spec.rules).map((r) => record(r).host).map((h) => (typeof h === 'string' && h !== '' ? h : '*')))].sort();
        const namespace = namespaceOf(o);
        return hosts
          .filter((host) => !tls.some((entry) => entry.length === 0 || entry.some((t) => covers(t, host))))
          .map((host) =>
            findingOf(this, {
              objects: [{ kind: 'Ingress', namespace, name: o.metadata.name }],
              detail: `host=${host}`,
              message:
                host === '*'
                  ? `Ingress ${namespace}/${o.metadata.name} has a rule without host and no TLS entry: it serves every host over plain HTTP.`
                  : `Ingress ${namespace}/${o.metadata.name} serves host ${host} without TLS: no spec.tls entry lists it.`,
              fix: `Add to spec.tls of ${namespace}/${o.metadata.name}: - hosts: [${host === '*' ? '<host>' : host}]\n    secretName: <a kubernetes.io/tls Secret in ${namespace}> (cert-manager can issue it), and redirect HTTP to HTTPS.`,
            }),
          );
      });
  },
};

function covers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.') || host === '*') return false;
  // `*.foo.com` covers exactly one extra label.
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === tlsHost.slice(1);
}
