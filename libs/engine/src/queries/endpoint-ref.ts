import { DomainError } from '../errors/domain-error';
import { parseIpAddress } from '../addresses/cidr-blocks';
import { resolveKindName } from '../manifests/kind-names';
import { WORKLOAD_KINDS as OWNER_KINDS } from '../workloads/pods-from-workloads';

/** What a person names as the source or destination of a connection. */
export type EndpointRef =
  | { type: 'pod'; namespace: string; name: string }
  | { type: 'workload'; kind: string; namespace: string; name: string }
  | { type: 'ip'; ip: string };

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Pod', ...OWNER_KINDS]);

function invalid(field: string, message: string): DomainError {
  return new DomainError('INVALID', `invalid ${field}`, [{ path: field, reason: 'FieldValueInvalid', message }]);
}

/**
 * Reads `<ns>/<pod>`, `<kind>/<ns>/<name>` (kubectl kind names and short names: `deploy/shop/api`,
 * `sts/shop/db`, `pod/shop/web-0`) or an IP address. `field` names the parameter in errors.
 */
export function parseEndpointRef(text: string, field: string): EndpointRef {
  const value = text.trim();
  if (value === '') throw invalid(field, 'required: a pod as <namespace>/<name>, a workload as <kind>/<namespace>/<name>, or an IP address');
  if (parseIpAddress(value)) return { type: 'ip', ip: value };
  const parts = value.split('/');
  if (parts.some((p) => p === '')) throw invalid(field, `"${value}" has an empty segment`);
  if (parts.length === 2) return { type: 'pod', namespace: parts[0]!, name: parts[1]! };
  if (parts.length === 3) {
    const kind = resolveKindName(parts[0]!);
    if (!kind || !WORKLOAD_KINDS.has(kind)) {
      throw invalid(field, `"${parts[0]}" is not a workload kind (deploy, rs, sts, ds, job, cj, rc, pod)`);
    }
    return kind === 'Pod' ? { type: 'pod', namespace: parts[1]!, name: parts[2]! } : { type: 'workload', kind, namespace: parts[1]!, name: parts[2]! };
  }
  throw invalid(field, `"${value}" is neither <namespace>/<pod>, <kind>/<namespace>/<name> nor an IP address`);
}

/** A port as asked: a number 1–65535 or an IANA service name (resolved on the destination pod). */
export function parsePortRef(text: string, field = 'port'): number | string {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    const port = Number(value);
    if (port < 1 || port > 65535) throw invalid(field, `port ${port} is outside 1-65535`);
    return port;
  }
  if (/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(value) && /[a-z]/.test(value)) return value;
  throw invalid(field, `"${value}" is neither a port number nor a port name`);
}

export function parseProtocol(text: string | undefined, field = 'protocol'): 'TCP' | 'UDP' | 'SCTP' {
  const value = (text ?? 'TCP').trim().toUpperCase();
  if (value === 'TCP' || value === 'UDP' || value === 'SCTP') return value;
  throw new DomainError('INVALID', 'invalid protocol', [
    { path: field, reason: 'FieldValueNotSupported', message: `supported values: "TCP", "UDP", "SCTP"` },
  ]);
}
