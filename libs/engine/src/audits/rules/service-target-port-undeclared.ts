import { findingOf, type AuditRule } from '../finding';
import { podsOfService } from '../pod-index';

/**
 * A named targetPort resolves per pod against its container ports with the service port's
 * protocol; a pod without that name is no endpoint for that port (semantics.md, Endpoints).
 * When none of the selected pods declares it, the port has no endpoints although the Service
 * seems healthy. Pods that do not match the selector are another rule's business.
 */
export const serviceTargetPortUndeclared: AuditRule = {
  id: 'service-target-port-undeclared',
  severity: 'high',
  title: 'Service targetPort name declared by no pod',
  description: 'A Service port targets a container port by name, and none of the pods the Service selects declares that name with the port\'s protocol.',
  check({ model }) {
    return model.services.flatMap((s) => {
      const pods = podsOfService(model, s);
      if (pods.length === 0) return [];
      return s.ports
        .filter((port) => typeof port.targetPort === 'string')
        .filter((port) => !pods.some((p) => p.containerPorts.some((c) => c.name === port.targetPort && c.protocol === port.protocol)))
        .map((port) => {
          const other = pods.flatMap((p) => p.containerPorts).find((c) => c.name === port.targetPort);
          const hint = other ? ` (the pods declare it as ${other.protocol}, not ${port.protocol})` : '';
          const portName = port.name || String(port.port);
          return findingOf(this, {
            objects: [{ kind: 'Service', namespace: s.namespace, name: s.name }],
            detail: `port=${portName}/${port.protocol}`,
            message: `Service ${s.namespace}/${s.name} port ${portName} (${port.protocol} ${port.port}) targets the container port named "${port.targetPort}", which none of its ${pods.length} selected pod(s) declares${hint}: that port has no endpoints.`,
            fix: `Set targetPort of port ${portName} to a container port name or number the pods declare, or add "- name: ${port.targetPort}, containerPort: <n>, protocol: ${port.protocol}" to the container ports of the workload.`,
          });
        });
    });
  },
};
