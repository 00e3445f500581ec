/** YAML documents of namespace shop that the end-to-end tests build their clusters from (joined with `---`). */

/** A running, ready Pod with one container `c`; `labels`, `ports` and `spec` (more fields of its spec) in YAML flow style. */
export const readyPod = (name: string, ip: string, labels: string, ports: string, spec = '') => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: shop, labels: { ${labels} } }
spec: { ${spec ? `${spec}, ` : ''}containers: [{ name: c, image: x, ports: [${ports}] }] }
status: { podIP: ${ip}, conditions: [{ type: Ready, status: "True" }] }
`;

/** A NetworkPolicy that isolates every pod of the namespace for ingress. */
export const defaultDenyIngress = (name = 'default-deny') => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
