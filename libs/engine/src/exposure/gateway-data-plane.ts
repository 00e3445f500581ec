import type { PolicyModel } from '../policy/policy-model';
import type { GatewayView } from '../gateway/gateway-routes';
import { controllerSource, DEFAULT_INGRESS_CONTROLLERS, sourceOfPods, type ControllerSource, type IngressControllerSetting } from './ingress-controller';

/**
 * The label Gateway API implementations put on the resources they deploy for one Gateway
 * (GEP-1762, in-cluster Gateway deployments): its value is the Gateway's name, in its namespace.
 */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/**
 * The pods that proxy a Gateway's traffic, treated like an ingress controller's: the workload
 * the `ingressControllers` setting names for the GatewayClass's controllerName; else the pods
 * of the Gateway's namespace labelled with its name (GEP-1762); else the `{ingress-controller}`
 * stand-in, entering from outside the cluster.
 */
export function gatewaySource(model: PolicyModel, gateway: Pick<GatewayView, 'namespace' | 'name' | 'controllerName'>, settings: readonly IngressControllerSetting[] = DEFAULT_INGRESS_CONTROLLERS): ControllerSource {
  const controller = gateway.controllerName ?? '';
  const configured = controllerSource(model, controller, settings);
  if (configured.pods.length > 0) return configured;
  return sourceOfPods(
    controller,
    model.allPods().filter((p) => p.namespace === gateway.namespace && p.labels[GATEWAY_NAME_LABEL] === gateway.name),
  );
}
