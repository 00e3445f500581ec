import type { Endpoint, PolicyModel } from '../policy/policy-model';
import type { ReachAnswer } from '../services/service-reachability';
import type { GatewayMatchCandidate } from '../gateway/gateway-match';
import { matchGateway } from '../gateway/gateway-match';
import type { GatewayRoutes } from '../gateway/gateway-routes';
import { parseRequestUrl, type ParsedRequestUrl } from '../ingress/http-paths';
import { matchIngress, type IngressMatch, type IngressMatchCandidate } from '../ingress/ingress-match';
import type { IngressRoutingTable } from '../ingress/ingress-routes';
import type { BackendEndpoint } from '../ingress/service-backends';
import type { ClusterModel } from '../workloads/cluster-model';
import { controllerEntry, type ControllerEntry } from './controller-entry';
import { gatewaySource } from './gateway-data-plane';
import { controllerSource, controllerVerdict, DEFAULT_INGRESS_CONTROLLERS, type ControllerSource, type ControllerVerdict, type IngressControllerSetting } from './ingress-controller';

/**
 * "Can this client reach https://host/path?" (semantics.md, Ingress and Gateway API): the
 * client reaches the controller (or the Gateway's data plane) through the Service in front of
 * it (controller-entry.ts); the controller picks the Ingress rule or HTTPRoute rule; the rule's
 * backends (weighted for HTTPRoutes) send each request to one ready endpoint; and the
 * controller's pods must be allowed to reach that endpoint on its target port.
 *
 * Both APIs can serve one URL: the Ingress answer comes first and the Gateway's is in
 * `alternatives` (which one a client meets depends on where DNS for the host points); `via`
 * asks for one of them alone.
 */
export type UrlEntryKind = 'ingress' | 'gateway';

export interface ReachUrlInput {
  policy: PolicyModel;
  cluster: Pick<ClusterModel, 'services' | 'endpoints' | 'nodes'>;
  northSouth: { ingress: readonly IngressRoutingTable[]; gateway: GatewayRoutes };
  ingressControllers?: readonly IngressControllerSetting[];
  clusterDomain: string;
  /** The client: an address (usually outside the cluster) or a pod. */
  from: Endpoint;
  url: string;
  via?: UrlEntryKind;
  /** The IngressClass, when several exist and none is the default. */
  ingressClass?: string;
  /** `<ns>/<name>` of the Gateway, when several listen for the URL. */
  gateway?: string;
  /** The name of the URL's input in errors. */
  field?: string;
}

/** A backend of the matched rule: an Ingress backend (the whole traffic) or a weighted backendRef. */
export interface UrlRouteBackend {
  service: string;
  namespace: string;
  port?: number | string;
  weight: number;
  share: number;
  /** The backend cannot serve: its share of requests fails. */
  problem?: string;
}

export interface UrlEndpointVerdict extends BackendEndpoint {
  /** `<ns>/<service>:<port>` of the backend that leads here. */
  backend: string;
  /** The share of requests this endpoint receives (backend share over its ready endpoints). */
  share: number;
  allowed: boolean;
  policyAllowed?: boolean;
  reason: string;
  /** The controller source: `ns/name[Kind]` or `{ingress-controller}`. */
  via: string;
  explanation?: ControllerVerdict['explanation'];
}

export interface UrlReachStep {
  step: 'entry' | 'route' | 'backends';
  allowed: ReachAnswer;
  text: string;
}

export interface UrlPath {
  url: string;
  /** Ingress: the class, the Ingress, its rule (host, path, pathType) or defaultBackend, the backend, TLS. */
  class?: string;
  ingress?: string;
  rule?: IngressMatch['rule'] | number;
  defaultBackend?: boolean;
  backend?: IngressMatch['backend'];
  tls?: boolean;
  /** Gateway: the Gateway, its listener, the HTTPRoute, rule and match, the hostname matched, the weighted backends. */
  gateway?: string;
  gatewayClass?: string;
  listener?: string;
  route?: string;
  ruleName?: string;
  match?: number;
  hostname?: string;
  backends?: UrlRouteBackend[];
  /** Who proxies the request: the controller name, the workload running it (or the stand-in) and its pods. */
  controller?: { controller: string; workload: string; pods: string[] };
  /** How the client reaches the controller's pods, when a Service exposes them. */
  entry?: ControllerEntry;
}

export interface UrlReachability {
  /** The API whose rule serves the URL; absent when none does. */
  via?: UrlEntryKind;
  /** Over the endpoints that receive requests: all, some or none are reached. */
  allowed: ReachAnswer;
  /** The share of requests that reach an allowed endpoint (backend weights, then endpoints evenly). */
  allowedShare: number;
  reason: string;
  path: UrlPath;
  steps: UrlReachStep[];
  endpoints: UrlEndpointVerdict[];
  candidates: Array<IngressMatchCandidate | GatewayMatchCandidate>;
  warnings: string[];
  /** The other API's answer when both serve the URL. */
  alternatives?: UrlReachability[];
}

/** One API's view of the URL: the rule that serves it (if any) and who proxies it. */
interface Served {
  via: UrlEntryKind;
  matched: boolean;
  reason?: string;
  path: Omit<UrlPath, 'url' | 'controller' | 'entry'>;
  routeText: string;
  backends: Array<UrlRouteBackend & { endpoints: BackendEndpoint[] }>;
  source?: ControllerSource;
  candidates: Array<IngressMatchCandidate | GatewayMatchCandidate>;
  notes: string[];
}

const LABEL: Record<UrlEntryKind, string> = { ingress: 'Ingress', gateway: 'Gateway' };
const round = (x: number) => Math.round(x * 10000) / 10000;
const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function reachUrl(input: ReachUrlInput): UrlReachability {
  const url = parseRequestUrl(input.url, input.field ?? 'url');
  const views: Served[] = [];
  if (input.via !== 'gateway') views.push(servedByIngress(input));
  if (input.via !== 'ingress') views.push(servedByGateway(input));
  const served = views.filter((v) => v.matched);
  if (served.length === 0) {
    const reason = views.map((v) => (views.length > 1 ? `${LABEL[v.via]}: ${v.reason}` : v.reason)).join('; ');
    return {
      allowed: 'none',
      allowedShare: 0,
      reason,
      path: { url: input.url },
      steps: [{ step: 'route', allowed: 'none', text: reason }],
      endpoints: [],
      candidates: views.flatMap((v) => v.candidates),
      warnings: [...new Set(views.flatMap((v) => v.notes))],
    };
  }
  const [first, ...rest] = served.map((v) => judge(input, url, v));
  if (rest.length > 0) {
    first!.warnings.push(
      `${url.host} is also served by ${rest.map((r) => `${LABEL[r.via!]} ${r.path.gateway ?? r.path.ingress}`).join(', ')} (see alternatives): which one a client meets depends on where DNS for ${url.host} points; via=${rest[0]!.via} asks for it alone`,
    );
    return { ...first!, alternatives: rest };
  }
  return first!;
}

function servedByIngress(input: ReachUrlInput): Served {
  const base = { via: 'ingress' as const, path: {}, routeText: '', backends: [], candidates: [], notes: [] };
  if (input.ingressClass === undefined && !input.northSouth.ingress.some((t) => t.exists)) {
    return { ...base, matched: false, reason: 'no IngressClass exists: no Ingress serves this URL' };
  }
  const m = matchIngress(input.northSouth.ingress, { url: input.url, ...(input.ingressClass !== undefined ? { class: input.ingressClass } : {}) });
  const common = { ...base, candidates: m.candidates, notes: m.notes };
  if (!m.matched) return { ...common, matched: false, reason: m.reason ?? 'no Ingress rule serves this URL' };
  const controller = input.northSouth.ingress.find((t) => t.class === m.class)?.controller ?? '';
  const backend = m.backend;
  const rule = m.defaultBackend ? 'defaultBackend' : `rule ${m.rule!.host || '(any host)'} ${m.rule!.path} (${m.rule!.pathType})`;
  return {
    ...common,
    matched: true,
    path: {
      class: m.class!,
      ingress: m.ingress!,
      ...(m.rule ? { rule: m.rule } : {}),
      ...(m.defaultBackend ? { defaultBackend: true } : {}),
      ...(backend ? { backend } : {}),
      tls: m.tls,
    },
    routeText: `Ingress ${m.ingress} (class ${m.class}) ${rule} → ${backend ? `service ${backend.namespace}/${backend.service}:${backend.port}` : 'no Service backend'}`,
    backends: backend ? [{ ...backend, weight: 1, share: 1, endpoints: m.endpoints }] : [],
    source: controllerSource(input.policy, controller, input.ingressControllers ?? DEFAULT_INGRESS_CONTROLLERS),
  };
}

function servedByGateway(input: ReachUrlInput): Served {
  const base = { via: 'gateway' as const, path: {}, routeText: '', backends: [], candidates: [], notes: [] };
  const view = input.northSouth.gateway;
  if (input.gateway === undefined && view.gateways.length === 0) return { ...base, matched: false, reason: 'no Gateway exists: no HTTPRoute serves this URL' };
  const m = matchGateway(view, { url: input.url, ...(input.gateway !== undefined ? { gateway: input.gateway } : {}) });
  const common = { ...base, candidates: m.candidates, notes: m.notes };
  if (!m.matched) return { ...common, matched: false, reason: m.reason ?? 'no HTTPRoute rule serves this URL' };
  const gateway = view.gateways.find((g) => g.key === m.gateway)!;
  const listener = gateway.listeners.find((l) => l.name === m.listener);
  const backends = m.backends;
  const split = backends.map((b) => `${b.namespace}/${b.service}${b.port !== undefined ? `:${b.port}` : ''} (${percent(b.share)})`).join(', ') || 'no backends';
  return {
    ...common,
    matched: true,
    path: {
      gateway: gateway.key,
      gatewayClass: gateway.gatewayClassName,
      listener: m.listener!,
      route: m.route!,
      rule: m.rule!,
      ...(m.ruleName ? { ruleName: m.ruleName } : {}),
      match: m.match!,
      hostname: m.hostname!,
      tls: listener?.protocol === 'HTTPS',
      backends: backends.map(({ endpoints: _endpoints, ...b }) => b),
    },
    routeText: `Gateway ${gateway.key} listener ${m.listener} → HTTPRoute ${m.route} rule ${m.rule}${m.ruleName ? ` (${m.ruleName})` : ''} → ${split}`,
    backends,
    source: gatewaySource(input.policy, gateway, input.ingressControllers ?? DEFAULT_INGRESS_CONTROLLERS),
  };
}

/** Client → controller → rule → backends → endpoints, for one API that serves the URL. */
function judge(input: ReachUrlInput, url: ParsedRequestUrl, served: Served): UrlReachability {
  const warnings = [...served.notes];
  const steps: UrlReachStep[] = [];
  let source = served.source!;
  const { entry, notes } = controllerEntry(
    { policy: input.policy, services: input.cluster.services, endpoints: input.cluster.endpoints, nodes: input.cluster.nodes, clusterDomain: input.clusterDomain, from: input.from, port: url.port },
    source,
  );
  warnings.push(...notes);
  let blocked: string | undefined;
  if (source.pods.length === 0) {
    const where = served.via === 'gateway' ? `for controller ${source.controller || '(none)'} nor pods labelled with the Gateway's name` : `for controller ${source.controller || '(none)'}`;
    steps.push({ step: 'entry', allowed: 'all', text: `no workload of the cluster is known to run the proxy (setting ingressControllers ${where}): traffic enters as ${source.name}; the client's address is not checked` });
  } else if (!entry) {
    steps.push({ step: 'entry', allowed: 'all', text: notes[notes.length - 1]! });
  } else {
    warnings.push(...entry.warnings);
    const at = `${entry.address}:${entry.port}`;
    steps.push({ step: 'entry', allowed: entry.allowed, text: entry.reason.includes(at) ? entry.reason : `${at} (service ${entry.service.namespace}/${entry.service.name}): ${entry.reason}` });
    const reached = new Set(entry.pods.filter((p) => p.allowed).map((p) => p.pod));
    const pods = source.pods.filter((p) => reached.has(`${p.namespace}/${p.name}`));
    if (pods.length === 0) blocked = entry.reason;
    else {
      if (pods.length < source.pods.length) warnings.push(`only ${pods.length} of ${source.pods.length} pods of ${source.name} receive the client's traffic: the backends are judged from those`);
      source = { ...source, pods };
    }
  }
  steps.push({ step: 'route', allowed: 'all', text: served.routeText });

  const judged = judgeBackends(input.policy, source, served.backends, blocked);
  warnings.push(...judged.warnings);
  steps.push({ step: 'backends', allowed: judged.allowed, text: judged.reason });
  return {
    via: served.via,
    allowed: judged.allowed,
    allowedShare: judged.allowedShare,
    reason: blocked ?? judged.reason,
    path: {
      url: input.url,
      ...served.path,
      controller: { controller: source.controller, workload: source.name, pods: served.source!.pods.map((p) => `${p.namespace}/${p.name}`) },
      ...(entry ? { entry } : {}),
    },
    steps,
    endpoints: judged.endpoints,
    candidates: served.candidates,
    warnings: [...new Set(warnings)],
  };
}

/**
 * Each backend's share of requests spread evenly over its ready endpoints; each such endpoint
 * judged from the controller source. `blocked`: the client does not reach the controller at all.
 */
export function judgeBackends(
  policy: PolicyModel,
  source: ControllerSource,
  backends: ReadonlyArray<UrlRouteBackend & { endpoints: readonly BackendEndpoint[] }>,
  blocked?: string,
): { allowed: ReachAnswer; allowedShare: number; reason: string; endpoints: UrlEndpointVerdict[]; warnings: string[] } {
  const endpoints: UrlEndpointVerdict[] = [];
  const warnings: string[] = [];
  const failing: string[] = [];
  let receiving = 0;
  let reached = 0;
  let allowedShare = 0;
  for (const b of backends) {
    const label = `${b.namespace}/${b.service}${b.port !== undefined ? `:${b.port}` : ''}`;
    const ready = b.endpoints.filter((e) => e.ready);
    if (b.share > 0 && (b.problem || ready.length === 0)) failing.push(`${label}${backends.length > 1 ? ` (${percent(b.share)} of requests)` : ''}: ${b.problem ?? 'no ready endpoints'}`);
    for (const e of b.endpoints) {
      const base = { ...e, backend: label, via: source.name };
      if (!e.ready) endpoints.push({ ...base, share: 0, allowed: false, reason: 'not ready: receives no traffic' });
      else if (b.share === 0) endpoints.push({ ...base, share: 0, allowed: false, reason: 'weight 0: its backend receives no requests' });
      else if (blocked !== undefined) {
        receiving++;
        endpoints.push({ ...base, share: round(b.share / ready.length), allowed: false, reason: `the client's traffic does not reach ${source.name}` });
      } else {
        const share = b.share / ready.length;
        const v = controllerVerdict(policy, source, e, e.port);
        receiving++;
        if (v.allowed) {
          reached++;
          allowedShare += share;
        }
        warnings.push(...v.warnings);
        endpoints.push({ ...base, share: round(share), allowed: v.allowed, policyAllowed: v.policyAllowed, reason: v.reason, ...(v.explanation ? { explanation: v.explanation } : {}) });
      }
    }
  }
  const allowed: ReachAnswer = reached === 0 ? 'none' : reached === receiving && failing.length === 0 ? 'all' : 'some';
  const split = backends.length > 1 || failing.length > 0 ? `; ${percent(allowedShare)} of requests reach an allowed endpoint` : '';
  const denial = reached === 0 ? endpoints.find((e) => e.share > 0 && !e.allowed)?.reason : undefined;
  const reason =
    receiving === 0
      ? `no endpoint receives the requests: ${failing.join('; ') || 'no backend'}`
      : `${reached} of ${receiving} endpoint(s) receiving requests reachable through ${source.name}${split}${failing.length > 0 ? ` (failing: ${failing.join('; ')})` : ''}${denial ? `: ${denial}` : ''}`;
  return { allowed, allowedShare: round(allowedShare), reason, endpoints, warnings };
}
