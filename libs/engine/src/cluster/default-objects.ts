import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests, type ManifestObject } from '../manifests/validate-manifests';

/**
 * What every Kubernetes cluster has before anyone applies anything: the system namespaces, the
 * API server's `kubernetes` Service (first address of the service CIDR) and the cluster DNS
 * Service `kube-dns` (the tenth), whose addresses IPAM assigns. CoreDNS pods are not invented:
 * apply them to model DNS traffic.
 */
const DEFAULT_OBJECTS = `
apiVersion: v1
kind: Namespace
metadata: { name: default }
---
apiVersion: v1
kind: Namespace
metadata: { name: kube-system }
---
apiVersion: v1
kind: Namespace
metadata: { name: kube-public }
---
apiVersion: v1
kind: Namespace
metadata: { name: kube-node-lease }
---
apiVersion: v1
kind: Service
metadata:
  name: kubernetes
  namespace: default
  labels: { component: apiserver, provider: kubernetes }
spec:
  type: ClusterIP
  ports: [{ name: https, port: 443, protocol: TCP, targetPort: 6443 }]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: { k8s-app: kube-dns, kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS }
spec:
  type: ClusterIP
  selector: { k8s-app: kube-dns }
  ports:
    - { name: dns, port: 53, protocol: UDP, targetPort: 53 }
    - { name: dns-tcp, port: 53, protocol: TCP, targetPort: 53 }
    - { name: metrics, port: 9153, protocol: TCP, targetPort: 9153 }
`;

export function defaultClusterObjects(): ManifestObject[] {
  return validateManifests(parseManifestBody(DEFAULT_OBJECTS, 'yaml')).objects;
}
