import { parseIpAddress } from '../addresses/cidr-blocks';
import { blockedDnsProtocols, clusterDnsCheck, dnsEgressFix } from '../audits/cluster-dns';
import { podsOfService } from '../audits/pod-index';
import { DomainError } from '../errors/domain-error';
import { matchesLabelMap } from '../labels/label-selector';
import type { DirectionExplanation, PolicyModel, Verdict } from '../policy/policy-model';
import { normalizeDnsName, serviceDnsName, type DnsRecord } from '../services/dns-records';
import { resolveFromPod, type DnsResolution } from '../services/dns-resolver';
import { parseServiceTarget, reachService, type ServiceReachability, type ServiceTarget } from '../services/service-reachability';
import type { EndpointModel, ServiceModel, ServicePortModel } from '../services/service-model';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ComputeSettings } from '../workloads/cluster-objects';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';

/**
 * "Why can't A reach B?": the triage an engineer would run, step by step (semantics.md): the
 * name (cluster DNS from the source's namespace), the Service (exists, type, selector), its
 * endpoints (any, ready, target port resolved per pod), the source's egress policy, each
 * endpoint's ingress policy, and whether the CNI plugin enforces policy at all. Each step says
 * what it saw, what to change, and the kubectl commands that confirm it on the live cluster.
 */
export type DiagnosisStepName = 'dns' | 'service' | 'endpoints' | 'egress-policy' | 'ingress-policy' | 'cni';
export type DiagnosisStatus = 'pass' | 'fail' | 'warn' | 'skipped';

export interface DiagnosisStep {
  step: DiagnosisStepName;
  status: DiagnosisStatus;
  summary: string;
  evidence: Record<string, unknown>;
  /** What to change, when the step fails or warns. */
  fix?: string;
  /** kubectl commands that confirm the finding on the live cluster. */
  commands: string[];
}

export type DiagnosisVerdict = 'reachable' | 'partially-reachable' | 'unreachable';

export interface Diagnosis {
  from: string;
  to: string;
  steps: DiagnosisStep[];
  firstFailure?: DiagnosisStepName;
  verdict: DiagnosisVerdict;
  summary: string;
}

export interface DiagnoseInput {
  clusterModel: ClusterModel;
  policy: PolicyModel;
  records: readonly DnsRecord[];
  settings: Pick<ComputeSettings, 'clusterDomain' | 'serviceCidr' | 'cni' | 'podCidr'>;
  from: { pod: ModelPod };
  /** As the user typed it: `svc/<ns>/<name>`, a DNS name, a ClusterIP, or `<ns>/<pod>`. */
  to: string;
  port?: number | string;
  protocol?: Protocol;
}

const ORDER: DiagnosisStepName[] = ['dns', 'service', 'endpoints', 'egress-policy', 'ingress-policy', 'cni'];
const keyOf = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;
const selectorText = (selector: Record<string, string>) =>
  Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
const step = (name: DiagnosisStepName, status: DiagnosisStatus, summary: string, evidence: Record<string, unknown> = {}, commands: string[] = [], fix?: string): DiagnosisStep => ({
  step: name,
  status,
  summary,
  evidence,
  ...(fix ? { fix } : {}),
  commands,
});
const skipped = (name: DiagnosisStepName, why: string): DiagnosisStep => step(name, 'skipped', why);

/** One destination pod the traffic would reach, with the port it arrives on. */
interface Candidate {
  pod?: ModelPod;
  ip: string;
  port: number | string;
}

type Target = { kind: 'service'; ref: ServiceTarget } | { kind: 'pod'; namespace: string; name: string };

function parseTarget(text: string, serviceCidr: string): Target {
  const ref = parseServiceTarget(text, 'to', serviceCidr);
  if (ref) return { kind: 'service', ref };
  const parts = text.trim().split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: 'pod', namespace: parts[0], name: parts[1] };
  const ip = parseIpAddress(text.trim());
  if (ip) throw new DomainError('INVALID', `"${text}" is not inside the service CIDR ${serviceCidr}: give a ClusterIP, a service, a DNS name or <ns>/<pod>`, [{ path: 'to', reason: 'FieldValueInvalid', message: 'not a ClusterIP' }]);
  throw new DomainError('INVALID', `"${text}" is not a target: give svc/<ns>/<name>, a DNS name, a ClusterIP or <ns>/<pod>`, [{ path: 'to', reason: 'FieldValueInvalid', message: 'unrecognised target' }]);
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const { clusterModel, policy, settings } = input;
  const source = policy.findPod(input.from.pod.namespace, input.from.pod.name) ?? input.from.pod;
  const src = keyOf(source);
  const zone = normalizeDnsName(settings.clusterDomain);
  const target = parseTarget(input.to, settings.serviceCidr);
  const steps: DiagnosisStep[] = [];
  const exec = (name: string) => `kubectl exec -n ${source.namespace} ${source.name} -- nslookup ${name}`;

  // ---- dns ----
  let service: ServiceModel | undefined;
  let endpointLabel: string | undefined;
  let external: string | undefined;
  let podTarget: ModelPod[] | undefined;
  let stop = false;
  if (target.kind === 'pod') {
    steps.push(skipped('dns', `${target.namespace}/${target.name} is a pod: no name to resolve`));
  } else if ('clusterIP' in target.ref || 'nodePort' in target.ref) {
    steps.push(skipped('dns', `${input.to} is an address: no name to resolve`));
    const ip = 'clusterIP' in target.ref ? target.ref.clusterIP : target.ref.nodePort.nodeIP;
    service = clusterModel.services.find((s) => s.clusterIPs.includes(ip) || s.loadBalancerIPs.includes(ip) || s.externalIPs.includes(ip));
  } else {
    const ref = target.ref;
    const name = 'service' in ref ? serviceDnsName(ref.service, zone) : ref.dnsName;
    if ('service' in ref) service = clusterModel.services.find((s) => s.namespace === ref.service.namespace && s.name === ref.service.name);
    if ('service' in ref && !service) {
      steps.push(skipped('dns', `service ${keyOf(ref.service)} does not exist, so ${name} has no record`));
    } else {
      const dns = resolveFromPod({ records: input.records, name, type: 'A', namespace: source.namespace, clusterDomain: zone });
      const resolved = dnsStep(input, dns, name, exec, zone);
      steps.push(resolved.step);
      service ??= resolved.service;
      endpointLabel = resolved.endpointLabel;
      external = resolved.external;
      podTarget = resolved.pods;
      // A lookup the source's egress blocks still has an answer: the later steps judge what it would reach.
      stop = resolved.unresolved === true;
      if ('dnsName' in ref && !resolved.service && !resolved.pods && !resolved.external) stop = true;
    }
  }

  // ---- service ----
  let servicePort: ServicePortModel | undefined;
  let candidates: Candidate[] = [];
  if (target.kind === 'pod') {
    steps.push(skipped('service', 'the target is a pod: no Service is involved'));
    const pod = policy.findPod(target.namespace, target.name);
    if (!pod) {
      steps.push(
        step('endpoints', 'fail', `pod ${target.namespace}/${target.name} does not exist`, { namespace: target.namespace, name: target.name }, [`kubectl get pods -n ${target.namespace}`], `check the pod name and namespace (pods of a Deployment carry generated names)`),
      );
      stop = true;
    } else {
      const port = input.port ?? pod.containerPorts[0]?.containerPort;
      if (port === undefined) {
        steps.push(step('endpoints', 'fail', `no port given and ${keyOf(pod)} declares none`, { pod: keyOf(pod) }, [`kubectl get pod -n ${pod.namespace} ${pod.name} -o yaml`], 'give the port to dial'));
        stop = true;
      } else {
        candidates = [{ pod, ip: pod.ips[0] ?? '', port }];
        steps.push(
          step(
            'endpoints',
            pod.ready ? 'pass' : 'warn',
            pod.ready ? `pod ${keyOf(pod)} exists (${pod.ips.join(', ') || 'no IP'}) and is ready` : `pod ${keyOf(pod)} is not ready: reachable by IP, but no Service sends it traffic`,
            { pod: keyOf(pod), ips: pod.ips, ready: pod.ready, port },
            [`kubectl get pod -n ${pod.namespace} ${pod.name} -o wide`],
            pod.ready ? undefined : 'check the readiness probe and the container logs',
          ),
        );
      }
    }
  } else if (stop) {
    steps.push(skipped('service', 'the name does not resolve'));
    steps.push(skipped('endpoints', 'the name does not resolve'));
  } else if (external) {
    steps.push(
      service
        ? step('service', 'warn', `service ${keyOf(service)} is an ExternalName: a DNS CNAME to ${external}, no virtual IP, no proxying, no port mapping`, { service: describeService(service) }, [`kubectl get service -n ${service.namespace} ${service.name} -o yaml`])
        : skipped('service', `${external} is outside the cluster: no Service is involved`),
    );
    steps.push(skipped('endpoints', `traffic leaves the cluster to ${external}`));
  } else if (podTarget) {
    steps.push(skipped('service', 'the name is a pod record: the client connects to the pod directly'));
    candidates = podTarget.map((p) => ({ pod: p, ip: p.ips[0] ?? '', port: input.port ?? p.containerPorts[0]?.containerPort ?? 0 }));
    steps.push(step('endpoints', podTarget.length > 0 ? 'pass' : 'fail', `${podTarget.length} pod(s) own the address`, { pods: podTarget.map(keyOf) }));
    if (podTarget.length === 0) stop = true;
  } else {
    const svcStep = serviceStep(input, service, target.ref);
    steps.push(svcStep.step);
    servicePort = svcStep.port;
    if (svcStep.step.status === 'fail' || !service) {
      stop = true;
      steps.push(skipped('endpoints', 'no usable service'));
    } else {
      const epStep = endpointsStep(input, service, servicePort, endpointLabel);
      steps.push(epStep.step);
      candidates = epStep.candidates;
      if (epStep.step.status === 'fail') stop = true;
    }
  }

  // ---- policy ----
  const protocol: Protocol = input.protocol ?? servicePort?.protocol ?? 'TCP';
  let reach: ServiceReachability | undefined;
  if (!stop && target.kind === 'service') {
    try {
      reach = reachService({
        policy,
        services: clusterModel.services,
        endpoints: clusterModel.endpoints,
        records: input.records,
        nodes: clusterModel.nodes,
        clusterDomain: zone,
        from: { pod: source },
        target: target.ref,
        ...(input.port !== undefined ? { port: input.port } : {}),
        ...(input.protocol ? { protocol: input.protocol } : {}),
      });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
  }
  if (stop) {
    steps.push(skipped('egress-policy', 'nothing to connect to'), skipped('ingress-policy', 'nothing to connect to'));
  } else if (external) {
    const egress = reach?.path.externalEgress;
    const verdict = egress?.verdict;
    steps.push(
      verdict
        ? directionStep('egress', input, source, [{ target: external, verdict }], protocol)
        : step('egress-policy', 'warn', `the egress toward ${external} could not be judged (give a port)`, {}),
      skipped('ingress-policy', `${external} is outside the cluster: its ingress is not modelled`),
    );
  } else {
    const judged = candidates.map((c) => ({ target: c.pod ? keyOf(c.pod) : c.ip, pod: c.pod, verdict: policy.evaluate({ pod: source }, c.pod ? { pod: c.pod } : { ip: c.ip }, c.port, protocol) }));
    steps.push(directionStep('egress', input, source, judged, protocol), directionStep('ingress', input, source, judged, protocol));
  }

  // ---- cni ----
  steps.push(
    policy.enforced
      ? step('cni', policy.enforcementWarnings.length > 0 ? 'warn' : 'pass', policy.enforcementWarnings[0] ?? `CNI plugin ${settings.cni} enforces NetworkPolicy`, { cni: settings.cni, enforced: true }, ['kubectl get daemonsets -n kube-system'])
      : step(
          'cni',
          'warn',
          `CNI plugin ${settings.cni} does not enforce NetworkPolicy: every connection is allowed in fact, whatever the policies say`,
          { cni: settings.cni, enforced: false, warnings: policy.enforcementWarnings },
          ['kubectl get daemonsets -n kube-system'],
          'run a policy-enforcing plugin (Calico, Cilium, Antrea, Weave Net, or Canal beside Flannel) if the policies are meant to hold',
        ),
  );

  const ordered = ORDER.map((name) => steps.find((s) => s.step === name)!);
  const firstFailure = ordered.find((s) => s.status === 'fail')?.step;
  const partial = ordered.some((s) => s.status === 'warn' && s.evidence['partial'] === true);
  const verdict: DiagnosisVerdict = firstFailure ? 'unreachable' : partial ? 'partially-reachable' : 'reachable';
  const failed = firstFailure ? ordered.find((s) => s.step === firstFailure)! : undefined;
  return {
    from: src,
    to: input.to,
    steps: ordered,
    ...(firstFailure ? { firstFailure } : {}),
    verdict,
    summary: failed
      ? `${src} cannot reach ${input.to}: ${failed.summary}`
      : verdict === 'partially-reachable'
        ? `${src} reaches ${input.to} only through some endpoints: ${ordered.find((s) => s.evidence['partial'] === true)!.summary}`
        : `${src} can reach ${input.to}${policy.enforced ? '' : ` (in fact: ${settings.cni} does not enforce policy)`}`,
  };
}

function describeService(s: ServiceModel) {
  return { namespace: s.namespace, name: s.name, type: s.type, headless: s.headless, clusterIPs: s.clusterIPs, selector: s.selector ?? null, ports: s.ports };
}

function dnsStep(
  input: DiagnoseInput,
  dns: DnsResolution,
  name: string,
  exec: (name: string) => string,
  zone: string,
): { step: DiagnosisStep; unresolved?: boolean; service?: ServiceModel; endpointLabel?: string; external?: string; pods?: ModelPod[] } {
  const { clusterModel, policy } = input;
  const evidence: Record<string, unknown> = { searchPath: dns.searchPath, queries: dns.queries, answer: { rcode: dns.answer.rcode, name: dns.answer.name, addresses: dns.answer.addresses, cnames: dns.answer.cnames } };
  const commands = [exec(name)];
  const answer = dns.answer;
  // The lookup itself is a connection to the cluster DNS: judged as the egress-without-dns audit judges it.
  const blocked = dnsEgressBlocked(input);
  const judged = (resolved: string, status: DiagnosisStatus = 'pass') => {
    if (!blocked) return step('dns', status, resolved, evidence, commands);
    evidence['dnsEgress'] = blocked.evidence;
    return step('dns', blocked.status, `${resolved}; but ${blocked.summary}`, evidence, [...commands, ...blocked.commands], blocked.fix);
  };
  if (answer.cnames.length > 0 && !answer.canonicalName) {
    const external = answer.cnames[answer.cnames.length - 1]!;
    const svc = answer.name ? serviceOfName(clusterModel.services, answer.name, zone) : undefined;
    return { step: judged(`${name} is a CNAME to ${external}, outside the cluster`), ...(svc ? { service: svc.service } : {}), external };
  }
  if (answer.addresses.length === 0) {
    const bare = normalizeDnsName(name);
    const inZone = bare === zone || bare.endsWith(`.${zone}`);
    if (!inZone && bare.includes('.')) {
      return { step: judged(`${bare} is outside the cluster zone: resolved upstream, unknown here`, 'warn'), external: bare };
    }
    const short = bare.split('.')[0]!;
    const elsewhere = clusterModel.services.filter((s) => s.name === short);
    const fix =
      elsewhere.length > 0
        ? `a service named ${short} exists in ${elsewhere.map((s) => s.namespace).join(', ')}, not in ${input.from.pod.namespace}: use ${elsewhere.map((s) => `${s.name}.${s.namespace}`).join(' or ')} (a short name resolves in the client's own namespace)`
        : `no service or pod answers ${bare}: check the name, or create the Service`;
    const rcode = answer.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'NODATA';
    return { unresolved: true, step: step('dns', 'fail', `${name} does not resolve from ${input.from.pod.namespace} (${rcode})`, evidence, [...commands, `kubectl get services -A --field-selector metadata.name=${short}`], fix) };
  }
  const canonical = answer.canonicalName ?? answer.name!;
  const owner = serviceOfName(clusterModel.services, canonical, zone);
  const resolved = judged(`${name} resolves to ${answer.addresses.join(', ')} (${canonical})`);
  if (owner) return { step: resolved, service: owner.service, ...(owner.endpointLabel ? { endpointLabel: owner.endpointLabel } : {}) };
  const service = clusterModel.services.find((s) => s.clusterIPs.includes(answer.addresses[0]!));
  if (service) return { step: resolved, service };
  return { step: resolved, pods: policy.allPods().filter((p) => p.ips.includes(answer.addresses[0]!)) };
}

/**
 * Does the source's egress block its DNS lookups (an egress-isolated pod without a DNS rule)?
 * UDP blocked: every lookup fails (fail). Only TCP blocked: answers too large for UDP fail (warn).
 * On a CNI plugin that does not enforce policy the lookups go through in fact (warn).
 */
function dnsEgressBlocked(input: DiagnoseInput): { status: DiagnosisStatus; summary: string; evidence: Record<string, unknown>; commands: string[]; fix: string } | undefined {
  const { clusterModel, policy, settings } = input;
  const source = policy.findPod(input.from.pod.namespace, input.from.pod.name);
  if (!source || policy.classOfPod(source).egressPolicies.length === 0) return undefined;
  const check = clusterDnsCheck({ model: clusterModel, policy, podCidr: settings.podCidr });
  const blocked = blockedDnsProtocols(check, policy, source);
  if (blocked.length === 0) return undefined;
  const policies = policy.classOfPod(source).egressPolicies.map((p) => p.key).sort();
  const udp = blocked.includes('UDP');
  const ports = blocked.map((p) => `${p} 53`).join(' or ');
  return {
    status: udp && policy.enforced ? 'fail' : 'warn',
    summary: `${keyOf(source)} is isolated for egress by ${policies.join(', ')} and may not send ${ports} to ${check.describe}: ${udp ? 'the lookup itself fails' : 'answers too large for UDP fail'}${policy.enforced ? '' : ' (but the CNI plugin does not enforce it)'}`,
    evidence: { blocked, isolatedBy: policies, dnsDestination: check.describe },
    commands: [
      `kubectl get endpoints kube-dns -n kube-system`,
      ...policies.map((key) => {
        const [ns, pname] = key.split('/');
        return `kubectl describe networkpolicy -n ${ns} ${pname}`;
      }),
    ],
    fix: dnsEgressFix(policies[0]!),
  };
}

function serviceOfName(services: readonly ServiceModel[], name: string, zone: string): { service: ServiceModel; endpointLabel?: string } | undefined {
  const suffix = `.svc.${zone}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  const find = (ns: string, n: string) => services.find((s) => s.namespace === ns && s.name === n);
  if (labels.length === 2) {
    const service = find(labels[1]!, labels[0]!);
    return service ? { service } : undefined;
  }
  if (labels.length === 3) {
    const service = find(labels[2]!, labels[1]!);
    return service ? { service, endpointLabel: labels[0]! } : undefined;
  }
  return undefined;
}

function serviceStep(input: DiagnoseInput, service: ServiceModel | undefined, ref: ServiceTarget): { step: DiagnosisStep; port?: ServicePortModel } {
  if (!service) {
    const wanted = 'service' in ref ? keyOf(ref.service) : 'clusterIP' in ref ? ref.clusterIP : 'dnsName' in ref ? ref.dnsName : `${ref.nodePort.nodeIP}:${ref.nodePort.port}`;
    const ns = 'service' in ref ? ref.service.namespace : input.from.pod.namespace;
    const similar = 'service' in ref ? input.clusterModel.services.filter((s) => s.name === ref.service.name).map(keyOf) : [];
    return {
      step: step(
        'service',
        'fail',
        `no service ${wanted}`,
        { wanted, sameNameElsewhere: similar },
        [`kubectl get services -n ${ns}`, ...('service' in ref ? [`kubectl get services -A --field-selector metadata.name=${ref.service.name}`] : [])],
        similar.length > 0 ? `a service of that name exists as ${similar.join(', ')}: target that one` : 'create the Service, or fix the name/address',
      ),
    };
  }
  const ns = service.namespace;
  const commands = [`kubectl get service -n ${ns} ${service.name} -o wide`];
  const evidence: Record<string, unknown> = { service: describeService(service) };
  // The port asked for: a number is a service port number, a name a service port name, nothing the only port.
  const asked = input.port;
  const ports = service.ports.filter((p) => !input.protocol || p.protocol === input.protocol);
  const port =
    asked === undefined
      ? ports.length === 1
        ? ports[0]
        : undefined
      : ports.find((p) => (typeof asked === 'number' || /^\d+$/.test(asked) ? p.port === Number(asked) : p.name === asked));
  if (!port && !service.headless) {
    const list = service.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') || 'none';
    return {
      step: step(
        'service',
        'fail',
        asked === undefined ? `service ${keyOf(service)} has several ports (${list}): name one` : `service ${keyOf(service)} has no port ${asked}${input.protocol ? `/${input.protocol}` : ''} (ports: ${list})`,
        evidence,
        commands,
        asked === undefined ? 'give the port to dial' : `dial one of its ports (${list}), or add port ${asked} to the Service`,
      ),
    };
  }
  if (port) evidence['port'] = port;
  if (!service.selector) {
    return { step: step('service', 'pass', `service ${keyOf(service)} (${service.type}) has no selector: its endpoints come from EndpointSlices supplied by hand`, evidence, commands), ...(port ? { port } : {}) };
  }
  const selector = service.selector;
  const selected = podsOfService(input.clusterModel, service);
  evidence['selectedPods'] = selected.map(keyOf);
  commands.push(`kubectl get pods -n ${ns} -l ${selectorText(selector)} --show-labels`);
  if (selected.length === 0) {
    const nearly = input.clusterModel.pods.filter((p) => p.namespace === ns && Object.keys(selector).some((k) => p.labels[k] !== undefined));
    const elsewhere = input.clusterModel.pods.filter((p) => p.namespace !== ns && matchesLabelMap(selector, p.labels));
    evidence['podsWithSomeKeys'] = nearly.map((p) => ({ pod: keyOf(p), labels: p.labels }));
    evidence['matchingPodsInOtherNamespaces'] = elsewhere.map(keyOf);
    const fix =
      elsewhere.length > 0
        ? `the selector matches ${elsewhere.map(keyOf).join(', ')} in another namespace: a Service only selects pods of its own namespace (${ns})`
        : nearly.length > 0
          ? `pods in ${ns} carry ${nearly.slice(0, 3).map((p) => `${keyOf(p)} {${selectorText(Object.fromEntries(Object.keys(selector).filter((k) => p.labels[k] !== undefined).map((k) => [k, p.labels[k]!])))}}`).join(', ')}: align the selector ${selectorText(selector)} with the pod labels`
          : `label the intended pods ${selectorText(selector)}, or change the Service's selector`;
    return { step: step('service', 'fail', `service ${keyOf(service)}: selector ${selectorText(selector)} matches no pod in ${ns}`, evidence, [...commands, `kubectl get pods -n ${ns} --show-labels`], fix), ...(port ? { port } : {}) };
  }
  return { step: step('service', 'pass', `service ${keyOf(service)} (${service.type}${service.headless ? ', headless' : ''}) selects ${selected.length} pod(s)`, evidence, commands), ...(port ? { port } : {}) };
}

function endpointsStep(input: DiagnoseInput, service: ServiceModel, port: ServicePortModel | undefined, endpointLabel: string | undefined): { step: DiagnosisStep; candidates: Candidate[] } {
  const ns = service.namespace;
  const commands = [`kubectl get endpoints ${service.name} -n ${ns}`, `kubectl get endpointslices -n ${ns} -l kubernetes.io/service-name=${service.name} -o wide`];
  if (service.selector) commands.push(`kubectl get pods -n ${ns} -l ${selectorText(service.selector)} -o wide`);
  const all = (input.clusterModel.endpoints.find((e) => e.namespace === ns && e.service === service.name)?.endpoints ?? []).filter((e) => endpointLabel === undefined || e.hostname === endpointLabel || e.ip.replace(/[.:]/g, '-') === endpointLabel);
  const describe = (e: EndpointModel) => ({ pod: e.pod ?? null, ip: e.ip, ready: e.ready, ports: e.ports });
  const evidence: Record<string, unknown> = { endpoints: all.map(describe) };
  if (all.length === 0) {
    return { step: step('endpoints', 'fail', `service ${keyOf(service)} has no endpoints`, evidence, commands, service.selector ? 'make the selected pods declare the target port, or fix the selector' : 'supply an EndpointSlice labelled kubernetes.io/service-name, or give the Service a selector'), candidates: [] };
  }
  const portName = port?.name ?? '';
  // A pod that does not declare the target port's name is no endpoint for that port.
  const resolving = port ? all.filter((e) => e.ports[portName] !== undefined) : all;
  const unresolved = all.filter((e) => !resolving.includes(e));
  const receiving = resolving.filter((e) => e.ready || service.publishNotReadyAddresses);
  const notReady = resolving.filter((e) => !receiving.includes(e));
  evidence['resolving'] = resolving.map((e) => e.pod ?? e.ip);
  evidence['targetPortMissing'] = unresolved.map((e) => e.pod ?? e.ip);
  evidence['notReady'] = notReady.map((e) => e.pod ?? e.ip);
  const target = port ? `targetPort ${port.targetPort}` : 'the port';
  const pods = (list: EndpointModel[]) => list.map((e) => e.pod ?? e.ip).join(', ');
  if (resolving.length === 0) {
    return {
      step: step(
        'endpoints',
        'fail',
        `no endpoint of ${keyOf(service)} resolves ${target}: ${pods(unresolved)} declare no container port named "${port?.targetPort}"`,
        evidence,
        [...commands, ...unresolved.filter((e) => e.pod).slice(0, 3).map((e) => `kubectl get pod -n ${ns} ${e.pod!.split('/')[1]} -o jsonpath='{.spec.containers[*].ports}'`)],
        `name a container port "${port?.targetPort}" in the pods, or set targetPort to the container port number`,
      ),
      candidates: [],
    };
  }
  if (receiving.length === 0) {
    return {
      step: step('endpoints', 'fail', `all ${resolving.length} endpoint(s) of ${keyOf(service)} are not ready: they receive no traffic`, evidence, [...commands, `kubectl describe pods -n ${ns}${service.selector ? ` -l ${selectorText(service.selector)}` : ''}`], 'fix the pods\' readiness (probes, crashes) so the endpoints turn ready'),
      candidates: [],
    };
  }
  const candidates = receiving.map((e): Candidate => {
    const pod = e.pod !== undefined ? input.policy.pods.get(e.pod) : undefined;
    return { ...(pod ? { pod } : {}), ip: e.ip, port: port ? e.ports[portName]!.port : typeof input.port === 'number' ? input.port : Number(input.port ?? 0) };
  });
  const problems = [...(unresolved.length > 0 ? [`${pods(unresolved)} lack ${target}`] : []), ...(notReady.length > 0 ? [`${pods(notReady)} not ready`] : [])];
  if (problems.length > 0) {
    evidence['partial'] = true;
    return { step: step('endpoints', 'warn', `${receiving.length} of ${all.length} endpoint(s) of ${keyOf(service)} receive traffic: ${problems.join('; ')}`, evidence, commands, 'fix the pods listed (readiness, container port names)'), candidates };
  }
  return { step: step('endpoints', 'pass', `${receiving.length} ready endpoint(s) of ${keyOf(service)} on ${target}`, evidence, commands), candidates };
}

/** The egress step (the source's policies) or the ingress step (each endpoint's), from the verdicts. */
function directionStep(direction: 'egress' | 'ingress', input: DiagnoseInput, source: ModelPod, judged: { target: string; pod?: ModelPod; verdict: Verdict }[], protocol: Protocol): DiagnosisStep {
  const name: DiagnosisStepName = direction === 'egress' ? 'egress-policy' : 'ingress-policy';
  const side = (v: Verdict): DirectionExplanation => v[direction];
  const rows = judged.map((j) => ({
    target: j.target,
    port: j.verdict.port,
    isolated: side(j.verdict).isolated,
    policies: side(j.verdict).selectingPolicies,
    allowedBy: side(j.verdict).allowedBy,
    allowed: side(j.verdict).allowed,
    reason: side(j.verdict).reason,
  }));
  const denied = rows.filter((r) => !r.allowed);
  const policiesOf = (list: typeof rows) => [...new Set(list.flatMap((r) => r.policies))];
  const describe = (keys: string[]) => keys.map((k) => {
    const [ns, pname] = k.split('/');
    return `kubectl describe networkpolicy -n ${ns} ${pname}`;
  });
  const namespaces = direction === 'egress' ? [source.namespace] : [...new Set(judged.map((j) => j.pod?.namespace).filter((n): n is string => !!n))];
  const commands = [...namespaces.map((ns) => `kubectl get networkpolicy -n ${ns}`), ...describe(policiesOf(rows))];
  const evidence: Record<string, unknown> = { verdicts: rows };
  if (rows.length === 0) return step(name, 'skipped', 'no endpoint to judge');
  if (denied.length === 0) {
    const isolated = rows.some((r) => r.isolated);
    const by = [...new Set(rows.flatMap((r) => r.allowedBy.map((a) => `${a.policy} ${direction} rule ${a.ruleIndex}`)))];
    return step(
      name,
      'pass',
      isolated ? `${direction} allowed by ${by.join(', ')}` : direction === 'egress' ? `${keyOf(source)} is not isolated for egress: no policy selects it` : `no endpoint is isolated for ingress`,
      evidence,
      commands,
    );
  }
  const enforced = input.policy.enforced;
  const firstDenied = denied[0]!;
  const ports = [...new Set(denied.map((r) => r.port).filter((p) => p !== undefined))].join(',');
  const peer =
    direction === 'egress'
      ? (() => {
          const pod = judged.find((j) => j.target === firstDenied.target)?.pod;
          return pod ? `pods ${selectorText(pod.labels) || '(any)'} in namespace ${pod.namespace}` : firstDenied.target;
        })()
      : `pods ${selectorText(source.labels) || '(any)'} in namespace ${source.namespace}`;
  const policies = firstDenied.policies;
  const fix =
    direction === 'egress'
      ? `add an egress rule to ${policies.join(' or ')} (namespace ${source.namespace}) allowing ${protocol} ${ports} to ${peer}`
      : `add an ingress rule to ${policies.join(' or ')} allowing ${protocol} ${ports} from ${peer}`;
  const partial = denied.length < rows.length;
  if (partial) evidence['partial'] = true;
  const summary = `${direction} ${partial ? `denied to ${denied.length} of ${rows.length} endpoints` : 'denied'}: ${firstDenied.reason}${enforced ? '' : ` (but the CNI plugin does not enforce it)`}`;
  return step(name, partial || !enforced ? 'warn' : 'fail', summary, evidence, commands, fix);
}
