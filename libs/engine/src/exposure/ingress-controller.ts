import { compareText } from '../cluster/text-order';
import {
  allConnections,
  connectionsInclude,
  connectionsOf,
  emptyConnections,
  intersectConnections,
  isEmptyConnections,
  unionConnections,
  type ConnectionSet,
} from '../connectivity/connection-set';
import { NAMESPACE_NAME_LABEL_KEY, PolicyModel, type DirectionExplanation, type Endpoint, type Verdict } from '../policy/policy-model';
import type { PodClass } from '../policy/pod-classes';
import { findServicePort } from '../ingress/service-backends';
import { resolveTargetPort } from '../services/endpoint-slices';
import type { ServicePortModel } from '../services/service-model';
import type { ClusterModel } from '../workloads/cluster-model';
import { workloadName, type ModelPod } from '../workloads/pods-from-workloads';
import type { IngressBackendModel, IngressClassModel } from './ingress-backends';

/**
 * Traffic from ingress controllers to the pods behind Ingress and Route backends.
 *
 * An ingress controller is a pod: a cluster setting says, per IngressClass controller, which
 * workload runs it. Where that workload exists, its pods are the source, and policies apply as
 * to any pod (egress of the controller pod, ingress of the backend pod). Where it does not,
 * traffic comes from a stand-in, `{ingress-controller}`, as np-guard/netpol-analyzer models it:
 * a pod without labels in a namespace of its own (`ingress-controller-ns`, labelled only with
 * its name) and without an address. So a backend's ingress rule admits it through
 * `namespaceSelector: {}` (or any namespace selector an unlabelled namespace satisfies), never
 * through a podSelector of the policy's own namespace nor through an ipBlock; its own egress is
 * not isolated.
 *
 * Ports: the backend's service port (Ingress: by number or name; Route `port.targetPort`: by
 * name or target port; none: every port) resolved to the target port on each endpoint pod
 * (named target ports per pod), TCP only (the controller proxies HTTP over TCP). Declared
 * container ports are not required (semantics.md: verdicts judge policy, not listeners).
 */
export interface IngressControllerSetting {
  /** The IngressClass `spec.controller`, e.g. `k8s.io/ingress-nginx`. */
  controller: string;
  workload: { kind: string; namespace: string; name: string };
}

/**
 * ingress-nginx's chart (and its static deploy manifests) run the controller as Deployment
 * `ingress-nginx-controller` in namespace `ingress-nginx`; OpenShift's default router, which
 * serves Routes and the IngressClass `openshift-default` (controller
 * `openshift.io/ingress-to-route`), is Deployment `router-default` in `openshift-ingress`.
 */
export const DEFAULT_INGRESS_CONTROLLERS: readonly IngressControllerSetting[] = [
  { controller: 'k8s.io/ingress-nginx', workload: { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' } },
  { controller: 'openshift.io/ingress-to-route', workload: { kind: 'Deployment', namespace: 'openshift-ingress', name: 'router-default' } },
];

/** The controller that serves OpenShift Routes. */
export const ROUTE_CONTROLLER = 'openshift.io/ingress-to-route';

/** The stand-in source when the controller's workload is not in the cluster (the peer's names). */
export const INGRESS_CONTROLLER_PLACEHOLDER = { name: '{ingress-controller}', namespace: 'ingress-controller-ns', pod: 'ingress-controller' } as const;

export interface IngressSettings {
  ingressControllers?: readonly IngressControllerSetting[];
}

/** One backend pod's traffic from one controller. */
export interface IngressPodTraffic {
  /** `ns/name[Kind]` of the controller workload, or `{ingress-controller}`. */
  source: string;
  controller: string;
  /** The controller's pods, when its workload exists. */
  sourcePods: ModelPod[];
  pod: ModelPod;
  /** What the backends ask for: TCP target ports on this pod. */
  requested: ConnectionSet;
  /** What policies let through of it. */
  allowed: ConnectionSet;
  /** The backends that lead to this pod. */
  backends: IngressBackendModel[];
}

/** Who carries a controller's traffic: the pods of the workload that runs it, or the stand-in. */
export interface ControllerSource {
  /** `ns/name[Kind]` of the controller workload, or `{ingress-controller}`. */
  name: string;
  controller: string;
  /** Empty for the stand-in. */
  pods: ModelPod[];
}

/** The stand-in source of a controller whose workload is not in the cluster. */
export const placeholderSource = (controller: string): ControllerSource => ({ name: INGRESS_CONTROLLER_PLACEHOLDER.name, controller, pods: [] });

/** The source of a controller's traffic, as the `ingressControllers` setting names it. */
export function controllerSource(model: PolicyModel, controller: string, settings: readonly IngressControllerSetting[] = DEFAULT_INGRESS_CONTROLLERS): ControllerSource {
  const setting = settings.find((c) => c.controller === controller);
  const pods = setting ? model.podsOfWorkload(setting.workload.kind, setting.workload.namespace, setting.workload.name) : [];
  return sourceOfPods(controller, pods);
}

/** Pods as a controller source; none: the stand-in. */
export function sourceOfPods(controller: string, pods: ModelPod[]): ControllerSource {
  return pods.length > 0 ? { name: workloadName(pods[0]!), controller, pods } : placeholderSource(controller);
}

/**
 * The controller serving an Ingress/Route backend (semantics.md, Ingress: the class named, else
 * the one default class), or undefined when no controller serves it: its class does not exist,
 * or it names none and there is not exactly one default (as ingress-routes.ts says, unattached).
 * An input without any IngressClass object (imported manifests often leave them out, and so does
 * the peer corpus) is read as the first configured controller serving every Ingress.
 */
export function controllerOfBackend(backend: IngressBackendModel, classes: readonly IngressClassModel[], settings: readonly IngressControllerSetting[]): string | undefined {
  if (backend.source === 'Route') return ROUTE_CONTROLLER;
  const fallback = settings[0]?.controller ?? DEFAULT_INGRESS_CONTROLLERS[0]!.controller;
  if (classes.length === 0) return fallback;
  const defaults = classes.filter((c) => c.isDefault);
  const cls = backend.ingressClassName !== undefined ? classes.find((c) => c.name === backend.ingressClassName) : defaults.length === 1 ? defaults[0] : undefined;
  if (!cls) return undefined;
  // A class without spec.controller (the API requires one): read as the first configured controller's.
  return cls.controller || fallback;
}

/** The service ports a backend reference selects (first match, as the controllers pick one port). */
export function servicePortsOfBackend(backend: IngressBackendModel, ports: readonly ServicePortModel[]): ServicePortModel[] {
  const ref = backend.port;
  if (ref === undefined) return [...ports];
  let found: ServicePortModel | undefined;
  if (backend.source === 'Ingress') {
    // IngressServiceBackend.port: the service port's number or name.
    found = findServicePort(ports, ref);
  } else {
    // Route port.targetPort: a port name (the service port's, which names the endpoint port), or a target port.
    found =
      typeof ref === 'number'
        ? (ports.find((p) => p.targetPort === ref) ?? ports.find((p) => p.port === ref))
        : (ports.find((p) => p.name === ref) ?? ports.find((p) => p.targetPort === ref));
  }
  return found ? [found] : [];
}

/**
 * What the stand-in controller may send to a backend class: the class's ingress rules judged
 * against an unlabelled pod in its own namespace, without an address.
 */
export function placeholderIngressConnections(model: PolicyModel, cls: PodClass): ConnectionSet {
  if (cls.ingressPolicies.length === 0) return allConnections();
  const nsLabels = { [NAMESPACE_NAME_LABEL_KEY]: INGRESS_CONTROLLER_PLACEHOLDER.namespace };
  let acc = emptyConnections();
  for (const policy of cls.ingressPolicies) {
    for (const rule of policy.ingress ?? []) {
      const admitted =
        !rule.peers ||
        rule.peers.some((peer) => {
          if (peer.kind === 'ipBlock') return false;
          const inNamespace = peer.namespaceSelector ? peer.namespaceSelector.matches(nsLabels) : policy.namespace === INGRESS_CONTROLLER_PLACEHOLDER.namespace;
          return inNamespace && (peer.podSelector ? peer.podSelector.matches({}) : true);
        });
      if (admitted) acc = unionConnections(acc, PolicyModel.ruleConnections(rule, cls.namedPorts));
    }
  }
  return acc;
}

/** What a controller's traffic meets at one backend endpoint on a TCP target port. */
export interface ControllerVerdict {
  /** Effective, given the CNI plugin. */
  allowed: boolean;
  /** What the policies alone say. */
  policyAllowed: boolean;
  reason: string;
  /** The controller pod shown (a denied one first) and the policy explanation per direction. */
  explanation?: { from: string; egress: DirectionExplanation; ingress: DirectionExplanation };
  warnings: string[];
}

/**
 * May the controller reach one backend endpoint? With controller pods, every pod must be
 * allowed (each may carry a request); the stand-in is judged by the backend's ingress rules.
 * An address without a pod has no policy of its own: only the controller pods' egress applies.
 */
export function controllerVerdict(model: PolicyModel, source: ControllerSource, endpoint: { pod?: string; ip: string }, port: number): ControllerVerdict {
  const pod = endpoint.pod !== undefined ? model.pods.get(endpoint.pod) : undefined;
  const target: Endpoint = pod ? { pod } : { ip: endpoint.ip };
  const targetText = endpoint.pod ?? endpoint.ip;
  const allowedText = `${source.name} may reach TCP ${port}`;
  if (source.pods.length === 0) {
    if (!pod) return { allowed: true, policyAllowed: true, reason: `${allowedText}: ${targetText} is no pod of the model, so no policy admits or denies it`, warnings: [] };
    const policyAllowed = connectionsInclude(placeholderIngressConnections(model, model.classOfPod(pod)), 'TCP', port);
    const denial = `policies on ${targetText} do not admit ${source.name} on TCP ${port}`;
    if (policyAllowed || !model.enforced) {
      return { allowed: true, policyAllowed, reason: policyAllowed ? allowedText : `${denial}, but the CNI plugin does not enforce them`, warnings: policyAllowed ? [] : [`${denial}, but the CNI plugin does not enforce them`] };
    }
    return { allowed: false, policyAllowed: false, reason: denial, warnings: [] };
  }
  // Pods of one class get one verdict: judge one of each (a pod reaching itself apart).
  const groups = new Map<string, { from: string[]; verdict: Verdict }>();
  for (const sp of source.pods) {
    const self = pod !== undefined && sp.namespace === pod.namespace && sp.name === pod.name;
    const key = self ? 'self' : String(model.classOfPod(sp).index);
    const group = groups.get(key);
    if (group) group.from.push(`${sp.namespace}/${sp.name}`);
    else groups.set(key, { from: [`${sp.namespace}/${sp.name}`], verdict: model.evaluate({ pod: sp }, target, port, 'TCP') });
  }
  const verdicts = [...groups.values()];
  const denied = verdicts.filter((v) => !v.verdict.allowed);
  const shown = denied[0] ?? verdicts[0]!;
  const explanation = { from: shown.from[0]!, egress: shown.verdict.egress, ingress: shown.verdict.ingress };
  const warnings = [...new Set(verdicts.flatMap((v) => v.verdict.warnings))];
  const policyAllowed = verdicts.every((v) => v.verdict.policyAllowed);
  if (denied.length === 0) return { allowed: true, policyAllowed, reason: allowedText, explanation, warnings };
  const side = !shown.verdict.egress.allowed ? shown.verdict.egress.reason : shown.verdict.ingress.reason;
  const deniedPods = denied.flatMap((d) => d.from);
  const which = source.pods.length > 1 ? ` from ${deniedPods.join(', ')} (${deniedPods.length} of ${source.pods.length} controller pods)` : ` from ${shown.from[0]}`;
  return { allowed: false, policyAllowed, reason: `denied by policy${which}: ${side}`, explanation, warnings };
}

/** Per source, per destination pod class: what policies let the source send. */
export type AllowanceMemo = Map<ControllerSource, Map<number, ConnectionSet>>;

/**
 * What a controller source may send to a pod, at class level: its pods' egress and the pod's
 * ingress (a controller pod reaching itself is always allowed), or for the stand-in the pod's
 * ingress rules alone. `memo` keeps answers per source and class across calls.
 */
export function sourceAllowance(model: PolicyModel, source: ControllerSource, pod: ModelPod, requested: ConnectionSet, memo: AllowanceMemo = new Map()): ConnectionSet {
  // A pod can always reach itself: a controller pod that is the backend too gets all it asks for.
  if (source.pods.some((sp) => sp.namespace === pod.namespace && sp.name === pod.name)) return requested;
  const cls = model.classOfPod(pod);
  let perClass = memo.get(source);
  if (!perClass) memo.set(source, (perClass = new Map()));
  let policy = perClass.get(cls.index);
  if (!policy) {
    if (source.pods.length === 0) policy = placeholderIngressConnections(model, cls);
    else {
      policy = emptyConnections();
      const seen = new Set<number>();
      for (const sp of source.pods) {
        const from = model.classOfPod(sp);
        if (seen.has(from.index)) continue;
        seen.add(from.index);
        policy = unionConnections(policy, model.classConnections({ cls: from }, { cls }));
      }
    }
    perClass.set(cls.index, policy);
  }
  return intersectConnections(requested, policy);
}

/**
 * Per backend pod and controller: the TCP ports the Ingress/Route backends request and what
 * policies allow of them. Empty when the cluster model has no ingress backends. `serves`, when
 * given, keeps only the backends that receive traffic (e.g. not those of a path lost to a conflict).
 */
export function ingressTraffic(
  model: PolicyModel,
  cluster: Pick<ClusterModel, 'services' | 'endpoints' | 'ingressBackends' | 'ingressClasses'>,
  settings: IngressSettings = {},
  serves?: (backend: IngressBackendModel) => boolean,
): IngressPodTraffic[] {
  const backends = (cluster.ingressBackends ?? []).filter((b) => !serves || serves(b));
  if (backends.length === 0) return [];
  const controllers = settings.ingressControllers ?? DEFAULT_INGRESS_CONTROLLERS;
  const classes = cluster.ingressClasses ?? [];
  const services = new Map((cluster.services ?? []).map((s) => [`${s.namespace}/${s.name}`, s]));
  const endpoints = new Map((cluster.endpoints ?? []).map((e) => [`${e.namespace}/${e.service}`, e]));

  // (controller, pod) → requested ports and the backends leading there.
  const requests = new Map<string, { controller: string; pod: ModelPod; requested: ConnectionSet; backends: IngressBackendModel[] }>();
  for (const backend of backends) {
    if (backend.weight === 0) continue;
    const service = services.get(`${backend.namespace}/${backend.service}`);
    if (!service || service.type === 'ExternalName') continue;
    const ports = servicePortsOfBackend(backend, service.ports).filter((p) => p.protocol === 'TCP');
    if (ports.length === 0) continue;
    const controller = controllerOfBackend(backend, classes, controllers);
    if (controller === undefined) continue;
    for (const endpoint of endpoints.get(`${backend.namespace}/${backend.service}`)?.endpoints ?? []) {
      const pod = endpoint.ready && endpoint.pod !== undefined ? model.pods.get(endpoint.pod) : undefined;
      if (!pod) continue;
      let requested = emptyConnections();
      for (const port of ports) {
        // Resolved on the pod rather than read from endpoint.ports: that map is keyed by port
        // name, and imported multi-port services sometimes leave their ports unnamed.
        const resolved = resolveTargetPort(pod, port);
        if (resolved !== undefined) requested = unionConnections(requested, connectionsOf('TCP', resolved, resolved));
      }
      if (isEmptyConnections(requested)) continue;
      const key = `${controller}\u0000${endpoint.pod}`;
      const entry = requests.get(key);
      if (!entry) requests.set(key, { controller, pod, requested, backends: [backend] });
      else {
        entry.requested = unionConnections(entry.requested, requested);
        if (!entry.backends.includes(backend)) entry.backends.push(backend);
      }
    }
  }

  const out: IngressPodTraffic[] = [];
  const sourceOf = new Map<string, ControllerSource>();
  const memo: AllowanceMemo = new Map();
  for (const { controller, pod, requested, backends: via } of requests.values()) {
    let source = sourceOf.get(controller);
    if (!source) sourceOf.set(controller, (source = controllerSource(model, controller, controllers)));
    out.push({ source: source.name, controller, sourcePods: source.pods, pod, requested, allowed: sourceAllowance(model, source, pod, requested, memo), backends: via });
  }
  return out.sort((a, b) => compareText(`${a.source}\u0000${a.pod.namespace}/${a.pod.name}`, `${b.source}\u0000${b.pod.namespace}/${b.pod.name}`));
}

/** Connection-list rows `{ingress-controller} => ns/wl[Kind]` for backends whose controller workload is not in the cluster. */
export function ingressControllerRows(model: PolicyModel, cluster: Pick<ClusterModel, 'services' | 'endpoints' | 'ingressBackends' | 'ingressClasses'>, settings: IngressSettings = {}): { src: string; dst: string; connections: ConnectionSet }[] {
  const byWorkload = new Map<string, ConnectionSet>();
  for (const t of ingressTraffic(model, cluster, settings)) {
    if (t.sourcePods.length > 0) continue; // a real controller pod: its rows are ordinary pod-to-pod rows
    const dst = workloadName(t.pod);
    byWorkload.set(dst, unionConnections(byWorkload.get(dst) ?? emptyConnections(), t.allowed));
  }
  return [...byWorkload]
    .filter(([, c]) => !isEmptyConnections(c))
    .map(([dst, connections]) => ({ src: INGRESS_CONTROLLER_PLACEHOLDER.name, dst, connections }));
}

