import { gatewayRoutes, type GatewayRoutes } from '../gateway/gateway-routes';
import { ingressRoutes, type IngressRoutingTable } from '../ingress/ingress-routes';
import { pod } from '../services/small-cluster.fixture';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { GATEWAY_NAME_LABEL } from './gateway-data-plane';

/** Test support shared by the exposure tests: namespace shop, its Services, an IngressClass and a Gateway. */

/** Services shop/api (port 80 to the named port http) and shop/web (port 80 to 8080). */
export const SHOP_SERVICES = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
`;

/** IngressClass nginx (controller k8s.io/ingress-nginx), marked default. */
export const NGINX_CLASS = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx, annotations: { ingressclass.kubernetes.io/is-default-class: "true" } }
spec: { controller: k8s.io/ingress-nginx }
---
`;

/** GatewayClass gc (controller example.com/gateway) and Gateway shop/gw: listener http, port 80, `*.example.com`. */
export const SHOP_GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: gc }
spec: { controllerName: example.com/gateway }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: shop }
spec:
  gatewayClassName: gc
  listeners: [{ name: http, port: 80, protocol: HTTP, hostname: "*.example.com" }]
---
`;

/** The Gateway's own proxy pod shop/gw-proxy-0, labelled as GEP-1762 implementations label it. */
export const GATEWAY_PROXY_POD = pod('shop', 'gw-proxy-0', { app: 'gw-proxy', [GATEWAY_NAME_LABEL]: 'gw' }, '10.244.1.30', 'n1', [{ name: 'http', port: 10080 }]);

/** The Ingress tables and the Gateway API view of a cluster, as the worker computes them. */
export function northSouthOf(objects: readonly ClusterObjectInput[], cluster: ClusterModel): { ingress: IngressRoutingTable[]; gateway: GatewayRoutes } {
  return {
    ingress: ingressRoutes({ objects, services: cluster.services, endpoints: cluster.endpoints }),
    gateway: gatewayRoutes({ objects, services: cluster.services, endpoints: cluster.endpoints }),
  };
}
