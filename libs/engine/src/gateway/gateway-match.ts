import { DomainError } from '../errors/domain-error';
import { compareByAge, exactPathMatches, parseRequestUrl, prefixPathMatches, type ParsedRequestUrl } from '../ingress/http-paths';
import type { BackendEndpoint } from '../ingress/service-backends';
import { gatewayHostMatches, hostnameSpecificity } from './gateway-hostnames';
import { listenerUsable, type GatewayRoutes, type GatewayView, type HTTPRouteView, type ListenerView, type RouteMatchView } from './gateway-routes';

export interface GatewayMatchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** `<ns>/<name>`; needed only when several Gateways listen for the URL. */
  gateway?: string;
}

export interface GatewayMatchCandidate {
  route: string;
  /** Absent when the whole route lost (not attached, hostname). */
  rule?: number;
  match?: number;
  lost: string;
}

export interface GatewayMatch {
  matched: boolean;
  gateway?: string;
  listener?: string;
  route?: string;
  rule?: number;
  ruleName?: string;
  /** Index of the match inside the rule, and the match itself. */
  match?: number;
  matchSpec?: RouteMatchView;
  /** The route hostname the request matched on this listener ('*' when neither restricts). */
  hostname?: string;
  backends: { service: string; namespace: string; port?: number; weight: number; share: number; endpoints: BackendEndpoint[]; problem?: string }[];
  candidates: GatewayMatchCandidate[];
  reason?: string;
  notes: string[];
}

interface Hit {
  route: HTTPRouteView;
  rule: number;
  match: number;
  spec: RouteMatchView;
  hostname: string;
}

/**
 * Which HTTPRoute rule takes a request (semantics.md, "Gateway API"): the listener by port,
 * protocol and most specific hostname; then across all rules of routes attached to it, the
 * most specific route hostname (Gateway API HTTPRoute.hostnames), Exact path, longest PathPrefix,
 * method, most headers, most query params; ties to the oldest route, then `<ns>/<name>`, then rule order.
 */
export function matchGateway(view: GatewayRoutes, request: GatewayMatchRequest): GatewayMatch {
  const url = parseRequestUrl(request.url);
  const out: GatewayMatch = { matched: false, backends: [], candidates: [], notes: [] };
  const gateway = pickGateway(view.gateways, request.gateway, url);
  if (!gateway) return { ...out, reason: `no Gateway listens for ${url.scheme} on port ${url.port} for host ${url.host}` };
  out.gateway = gateway.key;
  const listener = pickListener(gateway, url);
  if (!listener) return { ...out, reason: `Gateway ${gateway.key} has no programmed ${url.scheme.toUpperCase()} listener on port ${url.port} for host ${url.host}` };
  out.listener = listener.name;

  const method = (request.method ?? 'GET').toUpperCase();
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const hits: Hit[] = [];
  for (const route of view.routes) {
    const parents = route.parents.filter((p) => p.gateway === gateway.key);
    if (parents.length === 0) continue;
    const on = parents.flatMap((p) => p.listeners).filter((l) => l.name === listener.name);
    if (on.length === 0) {
      const accepted = parents.map((p) => p.conditions.find((c) => c.type === 'Accepted')!).find((c) => c.status === 'True');
      const rejected = parents.map((p) => p.conditions.find((c) => c.type === 'Accepted')!).find((c) => c.status !== 'True');
      out.candidates.push({ route: route.key, lost: accepted || !rejected ? `not attached to listener ${listener.name}` : `not attached: ${rejected.reason}: ${rejected.message}` });
      continue;
    }
    const hostname = on
      .flatMap((l) => l.hostnames)
      .filter((h) => h === '*' || gatewayHostMatches(h, url.host))
      .sort((a, b) => compareSpecificity(b, a))[0];
    if (hostname === undefined) {
      out.candidates.push({ route: route.key, lost: `hostname ${url.host} does not match ${on.flatMap((l) => l.hostnames).join(', ')}` });
      continue;
    }
    route.rules.forEach((rule, r) =>
      rule.matches.forEach((spec, m) => {
        const miss = mismatch(spec, url, method, headers);
        if (miss) out.candidates.push({ route: route.key, rule: r, match: m, lost: miss });
        else hits.push({ route, rule: r, match: m, spec, hostname });
      }),
    );
  }
  if (hits.length === 0) return { ...out, reason: `404: no rule of a route attached to ${gateway.key}/${listener.name} matches` };

  hits.sort(comparePrecedence);
  const [winner, ...losers] = hits as [Hit, ...Hit[]];
  for (const h of losers) out.candidates.push({ route: h.route.key, rule: h.rule, match: h.match, lost: lossTo(h, winner) });
  const rule = winner.route.rules[winner.rule]!;
  out.notes.push(...rule.notes, ...rule.backends.flatMap((b) => b.notes));
  return {
    ...out,
    matched: true,
    route: winner.route.key,
    rule: winner.rule,
    ...(rule.name ? { ruleName: rule.name } : {}),
    match: winner.match,
    matchSpec: winner.spec,
    hostname: winner.hostname,
    backends: rule.backends.map((b) => ({
      service: b.name,
      namespace: b.namespace,
      ...(b.port !== undefined ? { port: b.port } : {}),
      weight: b.weight,
      share: b.share,
      endpoints: b.endpoints,
      ...(b.problem ? { problem: `${b.problem.reason}: ${b.problem.message}` } : {}),
    })),
  };
}

function mismatch(spec: RouteMatchView, url: ParsedRequestUrl, method: string, headers: Record<string, string>): string | undefined {
  if (spec.unsupported) return spec.unsupported;
  const { type, value } = spec.path;
  if (type === 'Exact' && !exactPathMatches(value, url.path)) return `path ${value} does not match ${url.path} (Exact matches the whole path)`;
  if (type === 'PathPrefix' && !prefixPathMatches(value, url.path)) return `path ${value} does not match ${url.path} (PathPrefix matches whole segments)`;
  if (spec.method && spec.method !== method) return `method ${method} does not match ${spec.method}`;
  for (const h of spec.headers) {
    const got = headers[h.name.toLowerCase()];
    if (got !== h.value) return `header ${h.name}: expected ${JSON.stringify(h.value)}, got ${got === undefined ? 'none' : JSON.stringify(got)}`;
  }
  for (const q of spec.queryParams) {
    const got = url.query[q.name];
    if (got !== q.value) return `query param ${q.name}: expected ${JSON.stringify(q.value)}, got ${got === undefined ? 'none' : JSON.stringify(got)}`;
  }
  return undefined;
}

function compareSpecificity(a: string, b: string): number {
  const [a1, a2] = hostnameSpecificity(a);
  const [b1, b2] = hostnameSpecificity(b);
  return a1 - b1 || a2 - b2;
}

const pathRank = (m: RouteMatchView) => (m.path.type === 'Exact' ? 1 : 0);

/** Negative when `a` takes precedence over `b`. */
function comparePrecedence(a: Hit, b: Hit): number {
  return (
    compareSpecificity(b.hostname, a.hostname) ||
    pathRank(b.spec) - pathRank(a.spec) ||
    b.spec.path.value.length - a.spec.path.value.length ||
    (b.spec.method ? 1 : 0) - (a.spec.method ? 1 : 0) ||
    b.spec.headers.length - a.spec.headers.length ||
    b.spec.queryParams.length - a.spec.queryParams.length ||
    compareByAge(a.route, b.route) ||
    a.rule - b.rule ||
    a.match - b.match
  );
}

/** Why `h` lost to `w`: the first tier of the precedence where they differ. */
function lossTo(h: Hit, w: Hit): string {
  if (compareSpecificity(w.hostname, h.hostname) > 0) return `hostname ${h.hostname} is less specific than ${w.hostname}`;
  if (pathRank(w.spec) > pathRank(h.spec)) return `PathPrefix loses to Exact path ${w.spec.path.value}`;
  if (w.spec.path.value.length > h.spec.path.value.length) return `shorter path than ${w.spec.path.value}`;
  if (w.spec.method && !h.spec.method) return `no method match (the winner matches ${w.spec.method})`;
  if (w.spec.headers.length > h.spec.headers.length) return `fewer header matches (${h.spec.headers.length} < ${w.spec.headers.length})`;
  if (w.spec.queryParams.length > h.spec.queryParams.length) return `fewer query param matches (${h.spec.queryParams.length} < ${w.spec.queryParams.length})`;
  if (h.route.key !== w.route.key) {
    const ta = h.route.creationTimestamp;
    const tb = w.route.creationTimestamp;
    if (ta !== tb) return `newer route than ${w.route.key} (creationTimestamp ${ta ?? 'unknown'} vs ${tb ?? 'unknown'})`;
    return `equal precedence and age: ${w.route.key} sorts first`;
  }
  if (h.rule !== w.rule) return `later rule (${h.rule}) than rule ${w.rule} of the same route`;
  return `later match (${h.match}) than match ${w.match} of the same rule`;
}

function listenerTakes(l: ListenerView, url: ParsedRequestUrl): boolean {
  return listenerUsable(l) && l.port === url.port && l.protocol === url.scheme.toUpperCase() && (l.hostname === undefined || gatewayHostMatches(l.hostname, url.host));
}

/** The most specific listener hostname wins: exact, then the longest wildcard, then none. */
function pickListener(gateway: GatewayView, url: ParsedRequestUrl): ListenerView | undefined {
  return gateway.listeners.filter((l) => listenerTakes(l, url)).sort((a, b) => compareSpecificity(b.hostname ?? '*', a.hostname ?? '*'))[0];
}

function pickGateway(gateways: readonly GatewayView[], key: string | undefined, url: ParsedRequestUrl): GatewayView | undefined {
  if (key !== undefined) {
    const g = gateways.find((x) => x.key === key);
    if (!g) throw new DomainError('NOT_FOUND', `Gateway ${key} not found`, [{ path: 'gateway', reason: 'NotFound', message: `Gateway ${JSON.stringify(key)} not found` }]);
    return g;
  }
  const listening = gateways.filter((g) => g.listeners.some((l) => listenerTakes(l, url)));
  if (listening.length > 1) {
    throw new DomainError('INVALID', 'several Gateways listen for this URL: name one', [
      { path: 'gateway', reason: 'FieldValueRequired', message: `Required value: one of ${listening.map((g) => g.key).join(', ')}` },
    ]);
  }
  return listening[0];
}
