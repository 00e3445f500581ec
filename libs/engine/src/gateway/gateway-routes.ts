import { compileLabelSelector, type LabelSelector } from '../labels/label-selector';
import { NAMESPACE_NAME_LABEL_KEY } from '../policy/policy-model';
import { compareByAge } from '../ingress/http-paths';
import { ServiceIndex, type BackendEndpoint } from '../ingress/service-backends';
import type { ServiceEndpointsModel, ServiceModel } from '../services/service-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { intersectHostnames } from './gateway-hostnames';
import { cond, GATEWAY_GROUP, gatewayClassView, gatewayProblem, isSupportedRouteKind, objectExists, type Condition, type GatewayClassView, type ObjectExists } from './gateway-status';

export { GATEWAY_GROUP } from './gateway-status';
export type { Condition, GatewayClassView, ParametersRefView } from './gateway-status';

/**
 * Gateway API (gateway.networking.k8s.io) as a controller would program it (semantics.md,
 * "Gateway API"): GatewayClasses, Gateways with their listeners, HTTPRoutes attached to them,
 * and the status conditions a controller would write (gateway-status.ts). Built once;
 * `matchGateway` reads it. Plain JSON.
 */
export interface ListenerView {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  tls?: { mode: string; certificateRefs: { group: string; kind: string; namespace: string; name: string }[] };
  /** As in the spec (kinds defaulted from the protocol). */
  allowedRoutes: { from: 'All' | 'Same' | 'Selector'; selector?: LabelSelector; kinds: { group: string; kind: string }[] };
  /** Route kinds this listener accepts: the allowed kinds this implementation supports (HTTPRoute). */
  supportedKinds: { group: string; kind: string }[];
  /** Routes Accepted on this listener. */
  attachedRoutes: number;
  /** Accepted, Conflicted, ResolvedRefs, Programmed (upstream ListenerConditionType). */
  conditions: Condition[];
}

export interface GatewayView {
  namespace: string;
  name: string;
  key: string;
  gatewayClassName: string;
  /** controllerName of the GatewayClass; absent when the class does not exist. */
  controllerName?: string;
  creationTimestamp?: string;
  listeners: ListenerView[];
  /** Accepted and Programmed (upstream GatewayConditionType). */
  conditions: Condition[];
}

export interface RouteParentView {
  parentRef: { group: string; kind: string; namespace: string; name: string; sectionName?: string; port?: number };
  /** `ns/name` of the Gateway when the reference names one. */
  gateway?: string;
  /** Listeners the route attached to, with the hostnames it serves on each (`['*']`: every host). */
  listeners: { name: string; hostnames: string[] }[];
  conditions: Condition[];
}

export interface RouteMatchView {
  path: { type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string };
  method?: string;
  headers: { type: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  queryParams: { type: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  /** A RegularExpression match is implementation-specific: never matched here. */
  unsupported?: string;
}

export interface BackendView {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  port?: number;
  weight: number;
  /** weight / sum of the rule's weights; 0 when the weight is 0. */
  share: number;
  endpoints: BackendEndpoint[];
  /** The ref is invalid (its share of requests get HTTP 500): why. */
  problem?: { reason: 'RefNotPermitted' | 'BackendNotFound' | 'InvalidKind'; message: string };
  notes: string[];
}

export interface RouteRuleView {
  index: number;
  name?: string;
  /** An omitted `matches` is one match of PathPrefix `/`. */
  matches: RouteMatchView[];
  backends: BackendView[];
  notes: string[];
}

export interface HTTPRouteView {
  namespace: string;
  name: string;
  key: string;
  creationTimestamp?: string;
  hostnames: string[];
  parents: RouteParentView[];
  rules: RouteRuleView[];
  notes: string[];
}

export interface GatewayRoutes {
  /** Always set by `gatewayRoutes`; optional so views stored without it still read. */
  gatewayClasses?: GatewayClassView[];
  gateways: GatewayView[];
  routes: HTTPRouteView[];
}

export interface GatewayRoutesInput {
  objects: readonly ClusterObjectInput[];
  services: ServiceModel[];
  endpoints: ServiceEndpointsModel[];
}

interface ListenerSpec {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: { mode?: string; certificateRefs?: Array<{ group?: string; kind?: string; name: string; namespace?: string }> };
  allowedRoutes?: { namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: LabelSelector }; kinds?: Array<{ group?: string; kind: string }> };
}
interface HTTPRouteSpec {
  parentRefs?: Array<{ group?: string; kind?: string; namespace?: string; name: string; sectionName?: string; port?: number }>;
  hostnames?: string[];
  rules?: Array<{
    name?: string;
    matches?: Array<{
      path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
      headers?: Array<{ type?: 'Exact' | 'RegularExpression'; name: string; value: string }>;
      queryParams?: Array<{ type?: 'Exact' | 'RegularExpression'; name: string; value: string }>;
      method?: string;
    }>;
    backendRefs?: Array<{ group?: string; kind?: string; name: string; namespace?: string; port?: number; weight?: number }>;
  }>;
}
interface ReferenceGrantSpec {
  from: Array<{ group: string; kind: string; namespace: string }>;
  to: Array<{ group: string; kind: string; name?: string }>;
}

const inGroup = (o: ClusterObjectInput) => o.apiVersion.startsWith(`${GATEWAY_GROUP}/`);
const nsOf = (o: ClusterObjectInput) => o.metadata.namespace ?? 'default';
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTPS']);

export function gatewayRoutes(input: GatewayRoutesInput): GatewayRoutes {
  const services = new ServiceIndex(input.services, input.endpoints);
  const exists = objectExists(input.objects);
  const gatewayClasses = input.objects
    .filter((o) => o.kind === 'GatewayClass' && inGroup(o))
    .map((o) => gatewayClassView(o, exists))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const classes = new Map(gatewayClasses.map((c) => [c.name, c]));
  const grants = input.objects.filter((o) => o.kind === 'ReferenceGrant' && inGroup(o)).map((o) => ({ namespace: nsOf(o), spec: o.spec as ReferenceGrantSpec }));
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const o of input.objects) {
    // The API server always sets kubernetes.io/metadata.name on a Namespace.
    if (o.kind === 'Namespace' && o.apiVersion === 'v1') namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, [NAMESPACE_NAME_LABEL_KEY]: o.metadata.name });
  }
  const labelsOf = (ns: string) => namespaceLabels.get(ns) ?? { [NAMESPACE_NAME_LABEL_KEY]: ns };
  const granted = (fromKind: string, fromNs: string, toNs: string, toGroup: string, toKind: string, toName: string) =>
    grants.some(
      (g) =>
        g.namespace === toNs &&
        (g.spec.from ?? []).some((f) => f.group === GATEWAY_GROUP && f.kind === fromKind && f.namespace === fromNs) &&
        (g.spec.to ?? []).some((t) => t.group === toGroup && t.kind === toKind && (t.name === undefined || t.name === '' || t.name === toName)),
    );

  const gateways = input.objects
    .filter((o) => o.kind === 'Gateway' && inGroup(o))
    .map((o) => buildGateway(o, classes, granted, exists))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const gatewayByKey = new Map(gateways.map((g) => [g.key, g]));

  const routes = input.objects
    .filter((o) => o.kind === 'HTTPRoute' && inGroup(o))
    .map((o) => buildRoute(o, gatewayByKey, labelsOf, granted, services))
    .sort((a, b) => compareByAge(a, b));

  // attachedRoutes: routes Accepted on the listener, whatever their ResolvedRefs.
  for (const route of routes) {
    for (const parent of route.parents) {
      const gw = parent.gateway ? gatewayByKey.get(parent.gateway) : undefined;
      for (const l of parent.listeners) {
        const listener = gw?.listeners.find((x) => x.name === l.name);
        if (listener) listener.attachedRoutes += 1;
      }
    }
  }
  return { gatewayClasses, gateways, routes };
}

type Granted = (fromKind: string, fromNs: string, toNs: string, toGroup: string, toKind: string, toName: string) => boolean;

function buildGateway(o: ClusterObjectInput, classes: Map<string, GatewayClassView>, granted: Granted, exists: ObjectExists): GatewayView {
  const namespace = nsOf(o);
  const spec = (o.spec ?? {}) as { gatewayClassName?: string; listeners?: ListenerSpec[] } & Parameters<typeof gatewayProblem>[0];
  const className = spec.gatewayClassName ?? '';
  const gatewayClass = classes.get(className);
  const controllerName = gatewayClass?.controllerName;
  const base = {
    namespace,
    name: o.metadata.name,
    key: `${namespace}/${o.metadata.name}`,
    gatewayClassName: className,
    ...(controllerName !== undefined ? { controllerName } : {}),
    ...(o.metadata.creationTimestamp !== undefined ? { creationTimestamp: o.metadata.creationTimestamp } : {}),
  };
  const specs = spec.listeners ?? [];
  const listeners: ListenerView[] = specs.map((l) => {
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
    const selector = l.allowedRoutes?.namespaces?.selector;
    const kinds = (l.allowedRoutes?.kinds ?? (HTTP_PROTOCOLS.has(l.protocol) ? [{ kind: 'HTTPRoute' }] : [])).map((k) => ({ group: k.group ?? GATEWAY_GROUP, kind: k.kind }));
    const supportedKinds = HTTP_PROTOCOLS.has(l.protocol) ? kinds.filter((k, i) => isSupportedRouteKind(k) && kinds.findIndex((x) => x.group === k.group && x.kind === k.kind) === i) : [];
    const tls = l.tls
      ? { mode: l.tls.mode ?? 'Terminate', certificateRefs: (l.tls.certificateRefs ?? []).map((c) => ({ group: c.group ?? '', kind: c.kind ?? 'Secret', namespace: c.namespace ?? namespace, name: c.name })) }
      : undefined;
    return {
      name: l.name,
      port: l.port,
      protocol: l.protocol,
      ...(l.hostname !== undefined ? { hostname: l.hostname.toLowerCase() } : {}),
      ...(tls ? { tls } : {}),
      allowedRoutes: { from, ...(from === 'Selector' && selector ? { selector } : {}), kinds },
      supportedKinds,
      attachedRoutes: 0,
      conditions: [],
    };
  });

  if (!gatewayClass) {
    // No GatewayClass: no controller reconciles this Gateway, so status stays at the API defaults.
    const pending = (type: string): Condition => ({ type, status: 'Unknown', reason: 'Pending', message: `GatewayClass ${className} does not exist: no controller reconciles this Gateway` });
    for (const l of listeners) l.conditions = [pending('Accepted'), pending('Programmed')];
    return { ...base, listeners, conditions: [pending('Accepted'), pending('Programmed')] };
  }

  const rejected = gatewayProblem(spec, namespace, gatewayClass, exists);
  for (const l of listeners) l.conditions = listenerConditions(l, listeners, namespace, granted, rejected);
  if (rejected) return { ...base, listeners, conditions: [cond('Accepted', false, rejected.reason, rejected.message), cond('Programmed', false, 'Invalid', `not accepted: ${rejected.message}`)] };

  const invalid = listeners.filter((l) => !listenerUsable(l));
  const programmed = `${listeners.length - invalid.length} of ${listeners.length} listeners programmed`;
  const conditions =
    listeners.length > 0 && invalid.length === listeners.length
      ? [cond('Accepted', false, 'ListenersNotValid', 'no listener is valid'), cond('Programmed', false, 'Invalid', 'no listener is valid')]
      : [
          invalid.length > 0
            ? cond('Accepted', true, 'ListenersNotValid', `accepted by ${gatewayClass.controllerName}; listeners not valid: ${invalid.map((l) => l.name).join(', ')}`)
            : cond('Accepted', true, 'Accepted', `accepted by ${gatewayClass.controllerName}`),
          cond('Programmed', true, 'Programmed', programmed),
        ];
  return { ...base, listeners, conditions };
}

/**
 * Listener conditions (upstream ListenerConditionType and ListenerConditionReason):
 * Accepted, Conflicted, ResolvedRefs, Programmed. A listener is Programmed (and routes attach
 * to it) when it is Accepted, its certificates resolve and its Gateway is accepted.
 */
function listenerConditions(l: ListenerView, listeners: readonly ListenerView[], namespace: string, granted: Granted, rejected: { message: string } | undefined): Condition[] {
  const supported = HTTP_PROTOCOLS.has(l.protocol);
  // Listeners sharing a port must agree on protocol and differ in hostname.
  const peers = listeners.filter((x) => x !== l && x.port === l.port);
  const protocolConflict = peers.find((x) => x.protocol !== l.protocol);
  const hostnameConflict = protocolConflict ? undefined : peers.find((x) => x.hostname === l.hostname);

  const accepted = !supported
    ? cond('Accepted', false, 'UnsupportedProtocol', `protocol ${l.protocol} is not modelled (HTTP and HTTPS are)`)
    : l.protocol === 'HTTPS' && l.tls && l.tls.mode !== 'Terminate'
      ? cond('Accepted', false, 'UnsupportedValue', `tls.mode ${l.tls.mode} is not valid for protocol HTTPS (Terminate is; Passthrough is for protocol TLS)`)
      : protocolConflict || hostnameConflict
        ? cond('Accepted', false, 'Invalid', `conflicts with listener ${(protocolConflict ?? hostnameConflict)!.name} on port ${l.port}`)
        : cond('Accepted', true, 'Accepted', 'listener accepted');
  const conflicted = protocolConflict
    ? cond('Conflicted', true, 'ProtocolConflict', `listener ${protocolConflict.name} on port ${l.port} uses protocol ${protocolConflict.protocol}`)
    : hostnameConflict
      ? cond('Conflicted', true, 'HostnameConflict', `listener ${hostnameConflict.name} on port ${l.port} has the same hostname (${l.hostname ?? 'none'})`)
      : cond('Conflicted', false, 'NoConflicts', 'no conflicts');

  // Certificates: a reference into another namespace needs a ReferenceGrant there (RefNotPermitted,
  // checked first as upstream requires); only core Secrets are certificates (InvalidCertificateRef).
  // Secrets are not stored in this model, so a missing or malformed Secret is not detected.
  const certProblems: { reason: string; message: string }[] = [];
  if (l.protocol === 'HTTPS' && (!l.tls || l.tls.mode === 'Terminate')) {
    const refs = l.tls?.certificateRefs ?? [];
    if (refs.length === 0) certProblems.push({ reason: 'InvalidCertificateRef', message: 'an HTTPS listener terminates TLS and needs tls.certificateRefs' });
    for (const c of refs) {
      const ref = `${c.kind === 'Secret' && c.group === '' ? 'Secret' : `${c.group ? `${c.group}/` : ''}${c.kind}`} ${c.namespace}/${c.name}`;
      if (c.namespace !== namespace && !granted('Gateway', namespace, c.namespace, c.group, c.kind, c.name)) {
        certProblems.push({ reason: 'RefNotPermitted', message: `certificateRef ${ref} is in another namespace and no ReferenceGrant in ${c.namespace} allows Gateways from ${namespace}` });
      } else if (c.group !== '' || c.kind !== 'Secret') {
        certProblems.push({ reason: 'InvalidCertificateRef', message: `certificateRef ${ref}: only core Secrets are supported` });
      }
    }
  }
  const kindProblems = l.allowedRoutes.kinds.filter((k) => !l.supportedKinds.some((s) => s.group === k.group && s.kind === k.kind));
  const problems = [...certProblems];
  if (kindProblems.length > 0) {
    const names = kindProblems.map((k) => (k.group === GATEWAY_GROUP ? k.kind : `${k.group || 'core'}/${k.kind}`)).join(', ');
    problems.push({ reason: 'InvalidRouteKinds', message: `route kinds not supported${supported ? '' : ` on protocol ${l.protocol}`}: ${names} (HTTPRoute on HTTP and HTTPS is)` });
  }
  const resolvedRefs = problems.length === 0 ? cond('ResolvedRefs', true, 'ResolvedRefs', 'all references resolved') : cond('ResolvedRefs', false, problems[0]!.reason, problems.map((p) => p.message).join('; '));

  // An unsupported route kind leaves the listener serving the kinds it supports.
  const programmed = rejected
    ? cond('Programmed', false, 'Invalid', `the Gateway is not accepted: ${rejected.message}`)
    : accepted.status !== 'True'
      ? cond('Programmed', false, 'Invalid', `listener not accepted (${accepted.reason})`)
      : certProblems.length > 0
        ? cond('Programmed', false, 'Invalid', `certificateRefs do not resolve (${certProblems[0]!.reason})`)
        : cond('Programmed', true, 'Programmed', 'listener programmed');
  return [accepted, conflicted, resolvedRefs, programmed];
}

/** A listener routes traffic only when it is Programmed. */
export function listenerUsable(l: ListenerView): boolean {
  return l.conditions.some((c) => c.type === 'Programmed' && c.status === 'True');
}

function buildRoute(o: ClusterObjectInput, gateways: Map<string, GatewayView>, labelsOf: (ns: string) => Record<string, string>, granted: Granted, services: ServiceIndex): HTTPRouteView {
  const namespace = nsOf(o);
  const spec = (o.spec ?? {}) as HTTPRouteSpec;
  const hostnames = (spec.hostnames ?? []).map((h) => h.toLowerCase());
  const notes: string[] = [];

  const rules: RouteRuleView[] = (spec.rules ?? []).map((r, index) => {
    const ruleNotes: string[] = [];
    const matches: RouteMatchView[] = (r.matches && r.matches.length > 0 ? r.matches : [{}]).map((m) => {
      const path = { type: m.path?.type ?? 'PathPrefix', value: m.path?.value ?? '/' };
      const headers = (m.headers ?? []).map((h) => ({ type: h.type ?? 'Exact', name: h.name, value: h.value }));
      const queryParams = (m.queryParams ?? []).map((q) => ({ type: q.type ?? 'Exact', name: q.name, value: q.value }));
      const regex = path.type === 'RegularExpression' ? 'path' : headers.some((h) => h.type === 'RegularExpression') ? 'header' : queryParams.some((q) => q.type === 'RegularExpression') ? 'query param' : undefined;
      const unsupported = regex ? `RegularExpression ${regex} matches are implementation-specific: not evaluated, never matched here` : undefined;
      if (unsupported) ruleNotes.push(unsupported);
      return { path, ...(m.method ? { method: m.method } : {}), headers, queryParams, ...(unsupported ? { unsupported } : {}) };
    });
    const refs = r.backendRefs ?? [];
    const total = refs.reduce((sum, b) => sum + (b.weight ?? 1), 0);
    const backends: BackendView[] = refs.map((b) => {
      const group = b.group ?? '';
      const kind = b.kind ?? 'Service';
      const target = b.namespace ?? namespace;
      const weight = b.weight ?? 1;
      const view: BackendView = { group, kind, namespace: target, name: b.name, ...(b.port !== undefined ? { port: b.port } : {}), weight, share: total > 0 ? weight / total : 0, endpoints: [], notes: [] };
      if (group !== '' || kind !== 'Service') {
        view.problem = { reason: 'InvalidKind', message: `backendRef ${group ? `${group}/` : ''}${kind} ${b.name}: only core Services are supported` };
      } else if (target !== namespace && !granted('HTTPRoute', namespace, target, '', 'Service', b.name)) {
        view.problem = { reason: 'RefNotPermitted', message: `backendRef ${target}/${b.name} is in another namespace and no ReferenceGrant in ${target} allows HTTPRoutes from ${namespace}` };
      } else if (!services.has(target, b.name)) {
        view.problem = { reason: 'BackendNotFound', message: `service ${target}/${b.name} not found` };
      } else if (b.port === undefined) {
        view.problem = { reason: 'BackendNotFound', message: `backendRef ${target}/${b.name} has no port (required for a Service)` };
      } else {
        const resolved = services.resolve(target, b.name, b.port);
        view.endpoints = resolved.endpoints;
        view.notes.push(...resolved.notes);
        if (resolved.problem) view.problem = { reason: 'BackendNotFound', message: resolved.problem };
      }
      if (view.problem && weight > 0) view.notes.push(`invalid backend: its ${Math.round(view.share * 1000) / 10}% of requests get HTTP 500`);
      return view;
    });
    if (refs.length === 0) ruleNotes.push('no backendRefs: requests get HTTP 500');
    else if (total === 0) ruleNotes.push('every backendRef has weight 0: requests get HTTP 500');
    return { index, ...(r.name ? { name: r.name } : {}), matches, backends, notes: ruleNotes };
  });

  const invalid = rules.flatMap((r) => r.backends).filter((b) => b.problem);
  const resolvedRefs =
    invalid.length === 0
      ? cond('ResolvedRefs', true, 'ResolvedRefs', 'all backendRefs resolved')
      : cond('ResolvedRefs', false, invalid[0]!.problem!.reason, invalid.map((b) => b.problem!.message).join('; '));

  const parents: RouteParentView[] = (spec.parentRefs ?? []).map((ref) => {
    const parentRef = {
      group: ref.group ?? GATEWAY_GROUP,
      kind: ref.kind ?? 'Gateway',
      namespace: ref.namespace ?? namespace,
      name: ref.name,
      ...(ref.sectionName !== undefined ? { sectionName: ref.sectionName } : {}),
      ...(ref.port !== undefined ? { port: ref.port } : {}),
    };
    const reject = (reason: string, message: string, gateway?: string): RouteParentView => ({ parentRef, ...(gateway ? { gateway } : {}), listeners: [], conditions: [cond('Accepted', false, reason, message), resolvedRefs] });
    if (parentRef.group !== GATEWAY_GROUP || parentRef.kind !== 'Gateway') return reject('NoMatchingParent', `parent ${parentRef.kind} ${parentRef.name} is not a Gateway (mesh parents are not modelled)`);
    const key = `${parentRef.namespace}/${parentRef.name}`;
    const gw = gateways.get(key);
    if (!gw) return reject('NoMatchingParent', `Gateway ${key} not found`);
    if (gw.controllerName === undefined) return reject('NoMatchingParent', `Gateway ${key} has no GatewayClass ${gw.gatewayClassName}: no controller`, key);
    const selected = gw.listeners.filter((l) => (parentRef.sectionName === undefined || l.name === parentRef.sectionName) && (parentRef.port === undefined || l.port === parentRef.port));
    if (selected.length === 0) {
      const which = [parentRef.sectionName !== undefined ? `sectionName ${parentRef.sectionName}` : '', parentRef.port !== undefined ? `port ${parentRef.port}` : ''].filter(Boolean).join(' and ');
      return reject('NoMatchingParent', `Gateway ${key} has no listener with ${which}`, key);
    }
    const allowing = selected.filter((l) => listenerUsable(l) && allowsNamespace(l, gw.namespace, namespace, labelsOf) && l.supportedKinds.some((k) => k.group === GATEWAY_GROUP && k.kind === 'HTTPRoute'));
    if (allowing.length === 0) {
      const why = selected.map((l) => `${l.name}: ${whyNotAllowed(l, gw.namespace, namespace, labelsOf)}`).join('; ');
      return reject('NotAllowedByListeners', `no listener allows this route (${why})`, key);
    }
    const listeners = allowing.map((l) => ({ name: l.name, hostnames: intersectHostnames(l.hostname, hostnames) })).filter((l) => l.hostnames.length > 0);
    if (listeners.length === 0) {
      return reject('NoMatchingListenerHostname', `no hostname of the route (${hostnames.join(', ')}) intersects a listener hostname (${allowing.map((l) => l.hostname ?? '*').join(', ')})`, key);
    }
    return { parentRef, gateway: key, listeners, conditions: [cond('Accepted', true, 'Accepted', `attached to listeners ${listeners.map((l) => l.name).join(', ')}`), resolvedRefs] };
  });
  if (parents.length === 0) notes.push('no parentRefs: the route attaches to nothing');

  return {
    namespace,
    name: o.metadata.name,
    key: `${namespace}/${o.metadata.name}`,
    ...(o.metadata.creationTimestamp !== undefined ? { creationTimestamp: o.metadata.creationTimestamp } : {}),
    hostnames,
    parents,
    rules,
    notes,
  };
}

function allowsNamespace(l: ListenerView, gatewayNs: string, routeNs: string, labelsOf: (ns: string) => Record<string, string>): boolean {
  switch (l.allowedRoutes.from) {
    case 'All':
      return true;
    case 'Same':
      return routeNs === gatewayNs;
    case 'Selector':
      // A Selector listener without selector admits nothing (the API requires one).
      return compileLabelSelector(l.allowedRoutes.selector).call(undefined, labelsOf(routeNs));
  }
}

function whyNotAllowed(l: ListenerView, gatewayNs: string, routeNs: string, labelsOf: (ns: string) => Record<string, string>): string {
  if (!listenerUsable(l)) {
    const programmed = l.conditions.find((c) => c.type === 'Programmed');
    return `listener not programmed${programmed ? ` (${programmed.reason}: ${programmed.message})` : ''}`;
  }
  if (!allowsNamespace(l, gatewayNs, routeNs, labelsOf)) return l.allowedRoutes.from === 'Same' ? `only routes in ${gatewayNs}` : `namespace ${routeNs} does not match the selector`;
  return `kind HTTPRoute not in ${l.allowedRoutes.kinds.map((k) => k.kind).join(', ') || '(none)'}`;
}
