import * as z from 'zod';
import { checkDns1123Label } from '../names';
import { addFieldIssue, anyObject, checkedString, dnsLabel, integer, ipAddress, portName, portNumber, protocol, status, stringList } from './field-rules';
import { objectMeta, templateMeta } from './object-meta';

/**
 * core/v1 PodSpec and Container (field lists as of Kubernetes v1.31/1.32). Their top levels
 * and container ports are strict because the product reads hostname, subdomain, nodeName,
 * hostNetwork, dnsPolicy and named ports from them; the rest is accepted as any JSON.
 */
export const containerPort = z.strictObject({
  name: portName.optional(),
  hostPort: portNumber.optional(),
  containerPort: portNumber,
  protocol: protocol.optional(),
  hostIP: ipAddress.optional(),
});

const containerFields = {
  // Required by the API server; Warn mode tolerates a missing or ill-formed name (rule containerName).
  name: checkedString(checkDns1123Label, 'containerName').optional(),
  image: z.string().optional(),
  command: stringList.optional(),
  args: stringList.optional(),
  workingDir: z.string().optional(),
  ports: z.array(containerPort).optional(),
  envFrom: z.array(anyObject).optional(),
  env: z.array(anyObject).optional(),
  resources: anyObject.optional(),
  resizePolicy: z.array(anyObject).optional(),
  restartPolicy: z.string().optional(),
  volumeMounts: z.array(anyObject).optional(),
  volumeDevices: z.array(anyObject).optional(),
  livenessProbe: anyObject.optional(),
  readinessProbe: anyObject.optional(),
  startupProbe: anyObject.optional(),
  lifecycle: anyObject.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.string().optional(),
  imagePullPolicy: z.string().optional(),
  securityContext: anyObject.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
};

function requireName(container: { name?: string | undefined }, ctx: z.core.$RefinementCtx<unknown>): void {
  if (container.name === undefined) addFieldIssue(ctx, 'FieldValueRequired', 'Required value', ['name'], 'containerName');
}

export const container = z.strictObject(containerFields).superRefine(requireName);
export const ephemeralContainer = z.strictObject({ ...containerFields, targetContainerName: z.string().optional() }).superRefine(requireName);

/** Container port names must be unique within a pod (ValidateContainerPorts / validateContainers). */
function checkUniquePortNames(containers: { ports?: { name?: string }[] }[] | undefined, field: string, ctx: z.core.$RefinementCtx<unknown>, seen: Set<string>): void {
  (containers ?? []).forEach((c, ci) =>
    (c.ports ?? []).forEach((p, pi) => {
      if (!p.name) return;
      if (seen.has(p.name)) addFieldIssue(ctx, 'FieldValueDuplicate', `Duplicate value: ${JSON.stringify(p.name)}`, [field, ci, 'ports', pi, 'name'], 'containerPortNameDuplicate');
      seen.add(p.name);
    }),
  );
}

export const podSpec = z
  .strictObject({
    volumes: z.array(anyObject).optional(),
    initContainers: z.array(container).optional(),
    containers: z.array(container),
    ephemeralContainers: z.array(ephemeralContainer).optional(),
    restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
    terminationGracePeriodSeconds: integer.optional(),
    activeDeadlineSeconds: integer.optional(),
    dnsPolicy: z.enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']).optional(),
    nodeSelector: z.record(z.string(), z.string()).optional(),
    serviceAccountName: z.string().optional(),
    serviceAccount: z.string().optional(),
    automountServiceAccountToken: z.boolean().optional(),
    nodeName: z.string().optional(),
    hostNetwork: z.boolean().optional(),
    hostPID: z.boolean().optional(),
    hostIPC: z.boolean().optional(),
    shareProcessNamespace: z.boolean().optional(),
    securityContext: anyObject.optional(),
    imagePullSecrets: z.array(anyObject).optional(),
    hostname: dnsLabel.optional(),
    subdomain: dnsLabel.optional(),
    affinity: anyObject.optional(),
    schedulerName: z.string().optional(),
    tolerations: z.array(anyObject).optional(),
    hostAliases: z.array(anyObject).optional(),
    priorityClassName: z.string().optional(),
    priority: integer.optional(),
    dnsConfig: anyObject.optional(),
    readinessGates: z.array(anyObject).optional(),
    runtimeClassName: z.string().optional(),
    enableServiceLinks: z.boolean().optional(),
    preemptionPolicy: z.string().optional(),
    overhead: anyObject.optional(),
    topologySpreadConstraints: z.array(anyObject).optional(),
    setHostnameAsFQDN: z.boolean().optional(),
    os: anyObject.optional(),
    hostUsers: z.boolean().optional(),
    schedulingGates: z.array(anyObject).optional(),
    resourceClaims: z.array(anyObject).optional(),
    resources: anyObject.optional(),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    checkUniquePortNames(spec.initContainers, 'initContainers', ctx, seen);
    checkUniquePortNames(spec.containers, 'containers', ctx, seen);
  });

export const podTemplateSpec = z.strictObject({ metadata: templateMeta.optional(), spec: podSpec });

export const pod = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: podSpec,
  status,
});

