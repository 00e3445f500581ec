import { DomainError } from '../errors/domain-error';
import type { Endpoint, PolicyModel } from '../policy/policy-model';
import type { ModelPod } from '../workloads/pods-from-workloads';
import type { EndpointRef } from './endpoint-ref';

/** What an asked endpoint stands for in a cluster: how it was understood, and its pods (or its address). */
export interface FoundEndpoints {
  /** How the endpoint was understood: `pod shop/web-0`, `Deployment shop/api (2 pods)`, `external 8.8.8.8`. */
  text: string;
  endpoints: { label: string; endpoint: Endpoint; pod?: ModelPod }[];
}

const notFound = (field: string, message: string) => new DomainError('NOT_FOUND', message, [{ path: field, reason: 'NotFound', message }]);

/**
 * Finds an asked endpoint in the model: a pod, every pod of a workload, or an address (a pod's
 * address is that pod; any other is a peer outside the cluster). A pod or workload that is not
 * there is NOT_FOUND, naming `field`.
 */
export function findEndpoints(model: PolicyModel, ref: EndpointRef, field: string): FoundEndpoints {
  switch (ref.type) {
    case 'pod': {
      const pod = model.findPod(ref.namespace, ref.name);
      if (!pod) throw notFound(field, `pod "${ref.namespace}/${ref.name}" does not exist`);
      return { text: `pod ${ref.namespace}/${ref.name}`, endpoints: [{ label: `${pod.namespace}/${pod.name}`, endpoint: { pod }, pod }] };
    }
    case 'workload': {
      const pods = model.podsOfWorkload(ref.kind, ref.namespace, ref.name);
      if (pods.length === 0) throw notFound(field, `${ref.kind} "${ref.namespace}/${ref.name}" does not exist or has no pods`);
      return {
        text: `${ref.kind} ${ref.namespace}/${ref.name} (${pods.length} pod${pods.length === 1 ? '' : 's'})`,
        endpoints: pods.map((pod) => ({ label: `${pod.namespace}/${pod.name}`, endpoint: { pod }, pod })),
      };
    }
    case 'ip': {
      const pod = model.allPods().find((p) => p.ips.includes(ref.ip));
      if (pod) return { text: `pod ${pod.namespace}/${pod.name} (${ref.ip})`, endpoints: [{ label: `${pod.namespace}/${pod.name}`, endpoint: { pod }, pod }] };
      return { text: `external ${ref.ip}`, endpoints: [{ label: ref.ip, endpoint: { ip: ref.ip } }] };
    }
  }
}
