import { parseIpAddress } from '../addresses/cidr-blocks';
import { findKind } from '../manifests/kinds';
import type { ClusterObjectInput } from '../workloads/cluster-objects';

/**
 * Status conditions of GatewayClasses, Gateways and listeners as a Gateway API controller sets
 * them, with the upstream (gateway.networking.k8s.io/v1) condition types and reason strings.
 * Every GatewayClass is modelled as if its controller were present: "handled" means the class
 * exists and names a well-formed controllerName.
 *
 * Not modelled, because the stored model does not hold what decides them:
 * - Secrets are not stored, so a certificateRef to a missing or malformed Secret is not
 *   detected; only its kind and, across namespaces, the ReferenceGrant are checked.
 * - parametersRef targets of kinds this product does not store (ConfigMap, controller CRDs)
 *   are not checked; references to stored kinds are.
 * - Address assignment (AddressNotAssigned, AddressNotUsable), infrastructure capacity
 *   (NoResources) and ports the data plane cannot bind (PortUnavailable).
 */

/** The Gateway API group. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export const cond = (type: string, ok: boolean, reason: string, message: string): Condition => ({ type, status: ok ? 'True' : 'False', reason, message });

export interface ParametersRefView {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface GatewayClassView {
  name: string;
  controllerName: string;
  parametersRef?: ParametersRefView;
  /** Accepted: True (Accepted) or False (Invalid, InvalidParameters). */
  conditions: Condition[];
}

/** Whether an object of a kind this product stores exists; `undefined` when the kind is not stored. */
export type ObjectExists = (group: string, kind: string, namespace: string | undefined, name: string) => boolean | undefined;

/** The route kinds this implementation supports on HTTP and HTTPS listeners. */
export const SUPPORTED_ROUTE_KINDS: ReadonlyArray<{ group: string; kind: string }> = [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }];
export const isSupportedRouteKind = (k: { group: string; kind: string }) => SUPPORTED_ROUTE_KINDS.some((s) => s.group === k.group && s.kind === k.kind);

/** GatewayClass spec.controllerName: a domain-prefixed path (upstream validation). */
const CONTROLLER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const apiGroupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Existence checks for references to the kinds this product stores. */
export function objectExists(objects: readonly ClusterObjectInput[]): ObjectExists {
  const namespaceOf = (o: ClusterObjectInput) => (findKind(o.kind)?.namespaced ? (o.metadata.namespace ?? 'default') : '');
  let keys: Set<string> | undefined; // built on the first reference to check: most clusters have none
  return (group, kind, namespace, name) => {
    const def = findKind(kind);
    if (!def || !def.apiVersions.some((v) => apiGroupOf(v) === group)) return undefined;
    keys ??= new Set(objects.map((o) => `${apiGroupOf(o.apiVersion)}\u0000${o.kind}\u0000${namespaceOf(o)}\u0000${o.metadata.name}`));
    return keys.has(`${group}\u0000${kind}\u0000${def.namespaced ? (namespace ?? '') : ''}\u0000${name}`);
  };
}

const refText = (r: ParametersRefView) => `${r.group ? `${r.group}/` : ''}${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/**
 * Why a parametersRef is invalid (upstream InvalidParameters), '' when it resolves, `undefined`
 * when its kind is not stored here and so cannot be checked.
 */
function parametersProblem(ref: ParametersRefView, exists: ObjectExists, local: boolean): string | undefined {
  const def = findKind(ref.kind);
  const found = exists(ref.group, ref.kind, ref.namespace, ref.name);
  if (found === undefined || !def) return undefined;
  if (!def.namespaced && local) return `parametersRef ${refText({ group: ref.group, kind: ref.kind, name: ref.name })}: a Gateway's parametersRef names an object in its own namespace, and ${ref.kind} is cluster-scoped`;
  if (def.namespaced && !ref.namespace) return `parametersRef ${refText(ref)}: namespace is required for the namespaced kind ${ref.kind}`;
  if (!def.namespaced && ref.namespace) return `parametersRef ${refText(ref)}: namespace must be unset for the cluster-scoped kind ${ref.kind}`;
  return found ? '' : `parametersRef ${refText(ref)} not found`;
}

export function gatewayClassView(o: ClusterObjectInput, exists: ObjectExists): GatewayClassView {
  const spec = (o.spec ?? {}) as { controllerName?: string; parametersRef?: ParametersRefView };
  const controllerName = spec.controllerName ?? '';
  const ref = spec.parametersRef ? { group: spec.parametersRef.group ?? '', kind: spec.parametersRef.kind, name: spec.parametersRef.name, ...(spec.parametersRef.namespace ? { namespace: spec.parametersRef.namespace } : {}) } : undefined;
  const view = { name: o.metadata.name, controllerName, ...(ref ? { parametersRef: ref } : {}) };
  if (controllerName.length > 253 || !CONTROLLER_NAME.test(controllerName)) {
    const why = controllerName === '' ? 'controllerName is empty' : `controllerName ${JSON.stringify(controllerName)} is not a domain-prefixed path (e.g. example.net/gateway-controller)`;
    return { ...view, conditions: [cond('Accepted', false, 'Invalid', why)] };
  }
  const problem = ref ? parametersProblem(ref, exists, false) : '';
  if (problem) return { ...view, conditions: [cond('Accepted', false, 'InvalidParameters', problem)] };
  const unchecked = problem === undefined ? `; parametersRef ${refText(ref!)} is a kind this model does not store: not checked` : '';
  return { ...view, conditions: [cond('Accepted', true, 'Accepted', `accepted: Gateways of this class are modelled as ${controllerName} would program them${unchecked}`)] };
}

/** A reason the whole Gateway is not accepted (before its listeners are considered), or undefined. */
export function gatewayProblem(
  spec: { addresses?: Array<{ type?: string; value?: string }>; infrastructure?: { parametersRef?: { group?: string; kind: string; name: string } } },
  namespace: string,
  gatewayClass: GatewayClassView,
  exists: ObjectExists,
): { reason: string; message: string } | undefined {
  const classAccepted = gatewayClass.conditions.find((c) => c.type === 'Accepted');
  if (classAccepted && classAccepted.status !== 'True') return { reason: 'Invalid', message: `GatewayClass ${gatewayClass.name} is not accepted (${classAccepted.reason}: ${classAccepted.message})` };
  const infra = spec.infrastructure?.parametersRef;
  if (infra) {
    const problem = parametersProblem({ group: infra.group ?? '', kind: infra.kind, name: infra.name, namespace }, exists, true);
    if (problem) return { reason: 'InvalidParameters', message: `infrastructure.${problem}` };
  }
  for (const a of spec.addresses ?? []) {
    const type = a.type ?? 'IPAddress';
    const value = a.value ?? '';
    if (type !== 'IPAddress' && type !== 'Hostname') return { reason: 'UnsupportedAddress', message: `address type ${type} is not supported (IPAddress and Hostname are)` };
    // An empty value asks the implementation to assign an address of that type.
    if (value !== '' && type === 'IPAddress' && !parseIpAddress(value)) return { reason: 'Invalid', message: `address ${JSON.stringify(value)} is not an IP address` };
    if (value !== '' && type === 'Hostname' && !HOSTNAME.test(value)) return { reason: 'Invalid', message: `address ${JSON.stringify(value)} is not a valid hostname` };
  }
  return undefined;
}
