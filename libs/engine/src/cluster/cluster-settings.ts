import * as z from 'zod';
import { cidrsOverlap, parseCidr } from '../addresses/cidr-blocks';
import { DEFAULT_INGRESS_CONTROLLERS } from '../exposure/ingress-controller';
import { DomainError, formatFieldPath, type FieldError } from '../errors/domain-error';
import { checkDns1123Label, checkDns1123Subdomain } from '../manifests/names';
import { addFieldIssue, checkedString, invalidValueMessage } from '../manifests/schemas/field-rules';
import { schemaProblems } from '../manifests/schemas/schema-issues';

/** Settings of a simulated cluster, as given on create (full) or patch (partial). */
export const CNI_PLUGINS = ['calico', 'cilium', 'flannel', 'weave', 'antrea', 'canal', 'other'] as const;
export const KUBE_PROXY_MODES = ['iptables', 'ipvs', 'nftables'] as const;

export type CniPlugin = (typeof CNI_PLUGINS)[number];
export type KubeProxyMode = (typeof KUBE_PROXY_MODES)[number];

export interface ClusterSettings {
  name: string;
  podCidr: string;
  serviceCidr: string;
  clusterDomain: string;
  cni: CniPlugin;
  kubeProxyMode: KubeProxyMode;
  /** "min-max", inclusive, as kube-apiserver's --service-node-port-range. */
  nodePortRange: string;
  /** How often the background audit re-runs (it also runs after every recomputation). */
  auditIntervalSeconds: number;
  /**
   * Which workload runs each ingress controller (by IngressClass `spec.controller`). Its pods are
   * the source of Ingress traffic, judged by policies like any pod's; with no such workload the
   * traffic enters as the peer analyzer's `{ingress-controller}` does.
   */
  ingressControllers: { controller: string; workload: { kind: string; namespace: string; name: string } }[];
}

export const CLUSTER_DEFAULTS: Omit<ClusterSettings, 'name'> = {
  podCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  cni: 'calico',
  kubeProxyMode: 'iptables',
  nodePortRange: '30000-32767',
  auditIntervalSeconds: 3600,
  ingressControllers: DEFAULT_INGRESS_CONTROLLERS.map((c) => ({ controller: c.controller, workload: { ...c.workload } })),
};

export interface PortRange {
  min: number;
  max: number;
}

/** Parses "30000-32767"; undefined when malformed or out of 1–65535 or not min < max. */
export function parseNodePortRange(text: string): PortRange | undefined {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < 1 || max > 65535 || min >= max) return undefined;
  return { min, max };
}

const cidrField = (what: string) =>
  z.string().superRefine((value, ctx) => {
    const block = parseCidr(value);
    if (!block) {
      addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, [`must be a valid ${what} CIDR, (e.g. 10.244.0.0/16 or fd00:10:244::/56)`]));
    }
  });

const settingsSchema = z.strictObject({
  name: checkedString(checkDns1123Label),
  podCidr: cidrField('pod'),
  serviceCidr: cidrField('service').superRefine((value, ctx) => {
    // kube-apiserver refuses service ranges larger than 2^20 addresses (IPv4 mask >= 12, IPv6 >= 108).
    const block = parseCidr(value);
    if (block && block.prefix < (block.family === 4 ? 12 : 108)) {
      addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, [`service CIDR is too large; the mask must be >= ${block.family === 4 ? 12 : 108}`]));
    }
  }),
  clusterDomain: checkedString(checkDns1123Subdomain),
  cni: z.enum(CNI_PLUGINS),
  kubeProxyMode: z.enum(KUBE_PROXY_MODES),
  auditIntervalSeconds: z.number().int().min(60).max(7 * 24 * 3600),
  ingressControllers: z
    .array(
      z.strictObject({
        controller: z.string().min(1).max(253),
        workload: z.strictObject({
          kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']),
          namespace: checkedString(checkDns1123Label),
          name: checkedString(checkDns1123Subdomain),
        }),
      }),
    )
    .max(20),
  nodePortRange: z.string().superRefine((value, ctx) => {
    if (!parseNodePortRange(value)) {
      addFieldIssue(ctx, 'FieldValueInvalid', invalidValueMessage(value, ['must be "min-max" with 1 <= min < max <= 65535']));
    }
  }),
});

function overlapErrors(settings: Partial<ClusterSettings>): FieldError[] {
  if (settings.podCidr === undefined || settings.serviceCidr === undefined) return [];
  const pod = parseCidr(settings.podCidr);
  const svc = parseCidr(settings.serviceCidr);
  if (!pod || !svc || !cidrsOverlap(pod, svc)) return [];
  return [
    {
      path: 'serviceCidr',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(settings.serviceCidr)}: serviceCidr must not overlap podCidr ${JSON.stringify(settings.podCidr)}`,
    },
  ];
}

function fail(errors: FieldError[]): never {
  throw new DomainError('INVALID', errors.length === 1 ? '1 error' : `${errors.length} errors`, errors);
}

export function validateClusterSettings(input: unknown, options: { partial: false }): ClusterSettings;
export function validateClusterSettings(input: unknown, options: { partial: true }): Partial<ClusterSettings>;
export function validateClusterSettings(input: unknown, options: { partial: boolean }): Partial<ClusterSettings>;
export function validateClusterSettings(input: unknown, options: { partial: boolean }): Partial<ClusterSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail([{ path: '', reason: 'FieldValueTypeInvalid', message: 'Invalid value: the cluster settings must be an object' }]);
  }
  const schema = options.partial ? settingsSchema.partial() : settingsSchema.partial().required({ name: true });
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    fail(schemaProblems(parsed.error.issues).map((p) => ({ path: formatFieldPath(p.path), reason: p.reason, message: p.message })));
  }
  const given = parsed.data as Partial<ClusterSettings>;
  const settings: Partial<ClusterSettings> = options.partial ? given : { ...CLUSTER_DEFAULTS, ...given };
  const errors = overlapErrors(settings);
  if (errors.length) fail(errors);
  return settings;
}

/** Applies a validated PATCH and re-checks the rules that span fields on the result. */
export function mergeClusterSettings(current: ClusterSettings, patch: Partial<ClusterSettings>): ClusterSettings {
  const merged: ClusterSettings = { ...current };
  for (const [key, value] of Object.entries(patch) as [keyof ClusterSettings, unknown][]) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  const errors = overlapErrors(merged);
  if (errors.length) fail(errors);
  return merged;
}
