import { findServicePort } from '../../ingress/service-backends';
import { findingOf, refText, type AuditRule } from '../finding';
import { serviceBackends } from '../route-backends';

/**
 * A backend port must name one of the Service's ports (Ingress: `port.number` is the service
 * port, not the container port; `port.name` a service port name). Gateway API requires `port`
 * for a Service backend. Otherwise the controller has no endpoints to send the request to.
 * ExternalName Services are skipped: their ports are not mapped (semantics.md, Services).
 */
export const backendPortMissing: AuditRule = {
  id: 'backend-port-missing',
  severity: 'high',
  title: 'Ingress or HTTPRoute backend port missing on the Service',
  description: 'An Ingress or HTTPRoute names a Service port (number or name) that the Service does not define, or an HTTPRoute Service backend has no port.',
  check({ objects, model }) {
    const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
    return serviceBackends(objects).flatMap((b) => {
      const service = services.get(`${b.namespace}/${b.service}`);
      if (!service || service.type === 'ExternalName') return [];
      if (b.port !== undefined && findServicePort(service.ports, b.port)) return [];
      const defined = service.ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'none';
      const what = b.port === undefined ? 'no port (required for a Service backend)' : `port ${typeof b.port === 'number' ? b.port : `"${b.port}"`}`;
      return [
        findingOf(this, {
          objects: [b.source, { kind: 'Service', namespace: service.namespace, name: service.name }],
          detail: `${b.path}:${b.port ?? ''}`,
          message: `${refText(b.source)} ${b.path} routes to Service ${b.namespace}/${b.service} with ${what}; the Service defines ports: ${defined}.`,
          fix: `Set the backend port of ${b.path} to one of the Service's ports (${defined}); a backend names the service port, not the container port.`,
        }),
      ];
    });
  },
};
