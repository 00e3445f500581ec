import { DomainError } from '../errors/domain-error';
import { exactPathMatches, parseRequestUrl, prefixPathMatches } from './http-paths';
import { ingressHostMatches, pathRankLength, type IngressHostRoutes, type IngressPathRoute, type IngressPathType, type IngressRoutingTable } from './ingress-routes';
import type { BackendEndpoint } from './service-backends';

export interface IngressMatchCandidate {
  ingress: string;
  host: string;
  path: string;
  pathType: IngressPathType;
  /** Why this path did not take the request. */
  lost: string;
}

export interface IngressMatch {
  matched: boolean;
  class?: string;
  ingress?: string;
  rule?: { host: string; path: string; pathType: IngressPathType };
  /** The class's defaultBackend took the request (no rule matched). */
  defaultBackend?: boolean;
  backend?: { service: string; namespace: string; port: number | string };
  endpoints: BackendEndpoint[];
  /** https, and the request host is covered by a tls entry with a secretName. */
  tls: boolean;
  candidates: IngressMatchCandidate[];
  reason?: string;
  notes: string[];
}

/**
 * Which Ingress path takes a request (semantics.md, "Ingress"): the most specific host group
 * (exact, then wildcard, then rules without host) picks the server, as a controller's virtual
 * hosts do; inside it the first matching path in table order (longest, Exact before Prefix).
 */
export function matchIngress(tables: readonly IngressRoutingTable[], request: { url: string; class?: string }): IngressMatch {
  const url = parseRequestUrl(request.url);
  const table = pickTable(tables, request.class);
  const base = { class: table.class, endpoints: [], tls: false, candidates: [] as IngressMatchCandidate[], notes: [] as string[] };
  if (!table.exists) {
    return { ...base, matched: false, reason: table.class ? `IngressClass ${table.class} does not exist: no controller serves its Ingresses` : 'no IngressClass: these Ingresses are unattached' };
  }
  const tls = url.scheme === 'https' && table.tls.some((t) => t.secretName && (t.host === '' || ingressHostMatches(t.host, url.host)));
  const out: IngressMatch = { ...base, matched: false, tls };

  const matchingHosts = table.hosts.filter((h) => ingressHostMatches(h.host, url.host));
  const chosen: IngressHostRoutes | undefined = matchingHosts[0];
  let winner: IngressPathRoute | undefined;
  for (const group of table.hosts) {
    for (const route of group.paths) {
      const candidate = (lost: string) => out.candidates.push({ ingress: route.ingress, host: group.host, path: route.path, pathType: route.pathType, lost });
      if (!ingressHostMatches(group.host, url.host)) {
        candidate('host does not match');
        continue;
      }
      if (group !== chosen) {
        candidate(`host ${chosen!.host || '(any)'} is more specific than ${group.host || '(any)'}`);
        continue;
      }
      const matches = route.matchAs === 'Exact' ? exactPathMatches(route.path, url.path) : prefixPathMatches(route.path, url.path);
      if (!matches) {
        const how = route.matchAs === 'Exact' ? 'Exact matches the whole path, case-sensitive' : 'Prefix matches whole segments';
        candidate(`path ${route.path} does not match ${url.path} (${how})`);
        continue;
      }
      if (route.lostTo !== undefined) {
        candidate(route.lostTo === route.ingress ? 'duplicate path of the same Ingress: the first one is used' : `conflict: older Ingress ${route.lostTo} owns this host/path`);
        continue;
      }
      if (winner) {
        candidate(lossTo(route, winner));
        continue;
      }
      winner = route;
      const backend = backendOf(route.backend);
      Object.assign(out, {
        matched: true,
        ingress: route.ingress,
        rule: { host: group.host, path: route.path, pathType: route.pathType },
        ...backend,
        notes: [...route.notes, ...backend.notes],
      });
    }
  }
  if (winner) return out;
  if (table.defaultBackend) {
    const d = table.defaultBackend;
    return { ...out, matched: true, ingress: d.ingress, defaultBackend: true, ...backendOf(d) };
  }
  return { ...out, matched: false, reason: '404: no rule and no default backend' };
}

function backendOf(b: IngressPathRoute['backend']): Pick<IngressMatch, 'backend' | 'endpoints' | 'notes'> {
  const notes = [...b.notes, ...(b.problem ? [`backend: ${b.problem}: requests get 503`] : [])];
  return {
    ...(b.service ? { backend: { service: b.service.name, namespace: b.service.namespace, port: b.service.port } } : {}),
    endpoints: b.endpoints,
    notes,
  };
}

/** Why a matching path lost to the winner, which precedes it in table order. */
function lossTo(route: IngressPathRoute, winner: IngressPathRoute): string {
  if (pathRankLength(route) < pathRankLength(winner)) return `shorter path than ${winner.path}`;
  if (route.matchAs === 'Prefix' && winner.matchAs === 'Exact') return 'Prefix loses to Exact of equal length';
  return winner.ingress === route.ingress ? `same length as ${winner.path}, which comes first in the Ingress` : `same length as ${winner.path} of older Ingress ${winner.ingress}`;
}

function pickTable(tables: readonly IngressRoutingTable[], className: string | undefined): IngressRoutingTable {
  if (className !== undefined) {
    const t = tables.find((x) => x.class === className);
    if (t) return t;
    throw new DomainError('NOT_FOUND', `IngressClass ${className} not found`, [{ path: 'class', reason: 'NotFound', message: `IngressClass ${JSON.stringify(className)} not found` }]);
  }
  const existing = tables.filter((t) => t.exists);
  const only = existing.length === 1 ? existing[0] : existing.find((t) => t.isDefault && existing.filter((x) => x.isDefault).length === 1);
  if (only) return only;
  throw new DomainError('INVALID', existing.length === 0 ? 'no IngressClass exists' : 'several IngressClasses and no single default: name one', [
    { path: 'class', reason: 'FieldValueRequired', message: `Required value: one of ${existing.map((t) => t.class).join(', ') || '(none)'}` },
  ]);
}
