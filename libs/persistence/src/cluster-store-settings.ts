import { CLUSTER_DEFAULTS, type ClusterSettings } from '@switchyard/engine';
import type { Cluster } from './generated/prisma/client';

/** A cluster row's settings in the engine's shape. */
export function settingsOf(cluster: Cluster): ClusterSettings {
  return {
    name: cluster.name,
    podCidr: cluster.podCidr,
    serviceCidr: cluster.serviceCidr,
    clusterDomain: cluster.clusterDomain,
    cni: cluster.cni,
    kubeProxyMode: cluster.kubeProxyMode,
    nodePortRange: `${cluster.nodePortMin}-${cluster.nodePortMax}`,
    auditIntervalSeconds: cluster.auditIntervalSeconds,
    ingressControllers: (cluster.ingressControllers as ClusterSettings['ingressControllers'] | null) ?? CLUSTER_DEFAULTS.ingressControllers,
  };
}
