import { Injectable } from '@nestjs/common';
import {
  connectionList,
  focusConnectionRows,
  MAX_LISTED_WORKLOAD_PAIRS,
  workloadPairCount,
  type ConnectionRow,
  parseServiceTarget,
  reachService,
  reachUrl,
  type ServiceTarget,
  DomainError,
  parseEndpointRef,
  parsePortRef,
  parseProtocol,
  renderConnectionList,
  type ConnectionListFormat,
  findEndpoints,
  type FoundEndpoints,
  type UrlEntryKind,
  type Verdict,
} from '@switchyard/engine';
import { PolicySnapshots, type LoadedSnapshot } from './policy-snapshots';

export interface ReachabilityQuery {
  from: string;
  to: string;
  port?: string;
  protocol?: string;
  /** URL destinations only: which API's route to follow (default: every one that serves the URL). */
  via?: string;
  /** URL destinations only: the IngressClass, when several exist and none is the default. */
  class?: string;
  /** URL destinations only: `<ns>/<name>` of the Gateway, when several listen for the URL. */
  gateway?: string;
  consistent?: boolean;
}

const URL_OPTIONS = ['via', 'class', 'gateway'] as const;
const URL_VIAS: readonly UrlEntryKind[] = ['ingress', 'gateway'];

/** Pairs evaluated for a workload-to-workload question; beyond this the answer says it sampled. */
const MAX_PAIRS = 400;
/** Source pods asked for a workload-to-Service question. */
const MAX_SERVICE_SOURCES = 20;

const notFound = (field: string, message: string) =>
  new DomainError('NOT_FOUND', message, [{ path: field, reason: 'NotFound', message }]);

/** "Can A reach B on port X, and why": one service behind REST and GraphQL. */
@Injectable()
export class ReachabilityService {
  constructor(private readonly snapshots: PolicySnapshots) {}

  async reachability(clusterName: string, query: ReachabilityQuery) {
    const fromRef = parseEndpointRef(query.from ?? '', 'from');
    if (query.to === undefined || query.to.trim() === '') {
      throw new DomainError('INVALID', 'invalid to', [{ path: 'to', reason: 'FieldValueRequired', message: 'required: a pod, workload, IP, svc/<ns>/<name>, DNS name, ClusterIP, <nodeIP>:<nodePort> or an http(s) URL' }]);
    }
    const isUrl = /^https?:\/\//i.test(query.to.trim());
    const misplaced = URL_OPTIONS.find((o) => query[o] !== undefined && !isUrl);
    if (misplaced) {
      throw new DomainError('INVALID', `invalid ${misplaced}`, [{ path: misplaced, reason: 'FieldValueInvalid', message: `${misplaced} applies only when to is an http(s) URL` }]);
    }
    if (query.via !== undefined && !URL_VIAS.includes(query.via as UrlEntryKind)) {
      throw new DomainError('INVALID', 'invalid via', [{ path: 'via', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(query.via)}: supported values: "ingress", "gateway"` }]);
    }
    const askedPort = query.port === undefined || query.port === '' ? undefined : parsePortRef(query.port, 'port');
    const askedProtocol = query.protocol === undefined ? undefined : parseProtocol(query.protocol);
    const snapshot = await this.snapshots.load(clusterName, { consistent: query.consistent });
    const from = findEndpoints(snapshot.model, fromRef, 'from');
    if (isUrl) return this.reachUrlTarget(snapshot, from, query.to.trim(), query);
    const serviceTarget = parseServiceTarget(query.to, 'to', snapshot.settings.serviceCidr);
    if (serviceTarget) return this.reachServiceTarget(snapshot, from, serviceTarget, askedPort, askedProtocol);

    const toRef = parseEndpointRef(query.to, 'to');
    if (askedPort === undefined) throw new DomainError('INVALID', 'invalid port', [{ path: 'port', reason: 'FieldValueRequired', message: 'required: a port number or name' }]);
    const port = askedPort;
    const protocol = askedProtocol ?? 'TCP';
    const to = findEndpoints(snapshot.model, toRef, 'to');
    if (typeof port === 'string') this.checkNamedPort(to, port, protocol);

    const pairs: { from: string; to: string; verdict: Verdict }[] = [];
    outer: for (const source of from.endpoints) {
      for (const destination of to.endpoints) {
        if (pairs.length >= MAX_PAIRS) break outer;
        pairs.push({ from: source.label, to: destination.label, verdict: snapshot.model.evaluate(source.endpoint, destination.endpoint, port, protocol) });
      }
    }
    const total = from.endpoints.length * to.endpoints.length;
    const denied = pairs.find((p) => !p.verdict.allowed);
    const shown = denied ?? pairs[0]!;
    return {
      allowed: pairs.every((p) => p.verdict.allowed),
      policyAllowed: pairs.every((p) => p.verdict.policyAllowed),
      enforced: shown.verdict.enforced,
      ...PolicySnapshots.revisionOf(snapshot),
      from: from.text,
      to: to.text,
      port: shown.verdict.port ?? port,
      protocol,
      warnings: [...new Set(pairs.flatMap((p) => p.verdict.warnings))],
      explanation: {
        from: shown.from,
        to: shown.to,
        egress: shown.verdict.egress,
        ingress: shown.verdict.ingress,
      },
      ...(total > 1
        ? {
            pairs: pairs.map((p) => ({ from: p.from, to: p.to, allowed: p.verdict.allowed, ...(p.verdict.port !== undefined ? { port: p.verdict.port } : {}) })),
            ...(total > pairs.length ? { sampled: { evaluated: pairs.length, total } } : {}),
          }
        : {}),
    };
  }

  /**
   * A Service as destination: DNS from the source's namespace, the virtual IP, each endpoint
   * with its target port, and the policy verdict to each endpoint (judged on pod IP and target
   * port). A workload source is asked pod by pod (up to a bound) and summed up.
   */
  private reachServiceTarget(
    snapshot: LoadedSnapshot,
    from: FoundEndpoints,
    target: ServiceTarget,
    port: number | string | undefined,
    protocol: 'TCP' | 'UDP' | 'SCTP' | undefined,
  ) {
    const sources = from.endpoints.slice(0, MAX_SERVICE_SOURCES);
    const answers = sources.map((source) =>
      reachService({
        policy: snapshot.model,
        services: snapshot.clusterModel.services,
        endpoints: snapshot.clusterModel.endpoints,
        records: snapshot.dnsRecords,
        nodes: snapshot.clusterModel.nodes,
        clusterDomain: snapshot.settings.clusterDomain,
        from: source.endpoint,
        target,
        ...(port !== undefined ? { port } : {}),
        ...(protocol ? { protocol } : {}),
      }),
    );
    const first = answers[0]!;
    const verdicts = new Set(answers.map((a) => a.allowed));
    const allowed = verdicts.size === 1 ? first.allowed : 'some';
    return {
      allowed,
      ...PolicySnapshots.revisionOf(snapshot),
      from: from.text,
      reason: first.reason,
      path: first.path,
      endpoints: first.endpoints.map(({ verdict, ...endpoint }) => ({
        ...endpoint,
        ...(verdict ? { explanation: { egress: verdict.egress, ingress: verdict.ingress } } : {}),
      })),
      warnings: [...new Set(answers.flatMap((a) => a.warnings))],
      ...(answers.length > 1 ? { sources: answers.map((a, i) => ({ from: sources[i]!.label, allowed: a.allowed })) } : {}),
      ...(from.endpoints.length > sources.length ? { sampled: { evaluated: sources.length, total: from.endpoints.length } } : {}),
    };
  }

  /**
   * A URL as destination: the client reaches the ingress controller or Gateway (through its
   * Service, where source ranges and traffic policies apply), the Ingress or HTTPRoute rule picks
   * the backends, and the controller's pods must reach each endpoint (see `reachUrl`).
   */
  private reachUrlTarget(snapshot: LoadedSnapshot, from: FoundEndpoints, url: string, query: ReachabilityQuery) {
    const answer = reachUrl({
      policy: snapshot.model,
      cluster: snapshot.clusterModel,
      northSouth: snapshot.northSouth,
      ingressControllers: snapshot.settings.ingressControllers,
      clusterDomain: snapshot.settings.clusterDomain,
      from: from.endpoints[0]!.endpoint,
      url,
      field: 'to',
      ...(query.via !== undefined ? { via: query.via as UrlEntryKind } : {}),
      ...(query.class !== undefined ? { ingressClass: query.class } : {}),
      ...(query.gateway !== undefined ? { gateway: query.gateway } : {}),
    });
    if (from.endpoints.length > 1) answer.warnings.push(`${from.text} has several pods: the client is ${from.endpoints[0]!.label}`);
    // Each alternative is a whole answer, stamped like the first.
    const stamp = { ...PolicySnapshots.revisionOf(snapshot), from: from.text };
    const { alternatives, ...first } = answer;
    return { ...stamp, ...first, ...(alternatives ? { alternatives: alternatives.map((a) => ({ ...stamp, ...a })) } : {}) };
  }

  async matrix(clusterName: string, query: { port: string; protocol?: string; namespace?: string; consistent?: boolean }) {
    const port = parsePortRef(query.port ?? '', 'port');
    if (typeof port === 'string') {
      throw new DomainError('INVALID', 'the matrix needs a port number', [
        { path: 'port', reason: 'FieldValueInvalid', message: 'a named port resolves per destination pod; give a number' },
      ]);
    }
    const protocol = parseProtocol(query.protocol);
    const snapshot = await this.snapshots.load(clusterName, { consistent: query.consistent });
    if (query.namespace !== undefined && !snapshot.model.allPods().some((p) => p.namespace === query.namespace)) {
      const known = snapshot.clusterModel.namespaces?.some((n) => n.name === query.namespace);
      if (!known) throw notFound('namespace', `namespace "${query.namespace}" does not exist`);
    }
    const matrix = snapshot.model.matrix({ port, protocol, ...(query.namespace !== undefined ? { namespace: query.namespace } : {}) });
    return { ...PolicySnapshots.revisionOf(snapshot), port, protocol, ...matrix };
  }

  /**
   * The rows asked for: the whole list (derived once per revision), or only one workload's rows,
   * made directly rather than filtered from a whole list that may be too large to make.
   */
  private connectionRows(snapshot: LoadedSnapshot, focusWorkload: { namespace: string; name: string } | undefined): ConnectionRow[] {
    if (focusWorkload) {
      const whole = snapshot.derived.get('connections') as ConnectionRow[] | undefined;
      if (whole) return focusConnectionRows(whole, focusWorkload);
      return PolicySnapshots.derive(snapshot, `connections:${focusWorkload.namespace}/${focusWorkload.name}`, () =>
        connectionList(snapshot.model, { clusterModel: snapshot.clusterModel, ingressControllers: snapshot.settings.ingressControllers, focusWorkload }),
      );
    }
    const pairs = workloadPairCount(snapshot.model);
    if (pairs > MAX_LISTED_WORKLOAD_PAIRS) {
      throw new DomainError('INVALID', 'the connection list is too large', [
        { path: 'focus', reason: 'FieldValueRequired', message: `${Math.round(Math.sqrt(pairs))} workloads make ${pairs} pairs, more than a whole list holds (${MAX_LISTED_WORKLOAD_PAIRS}); ask with focus=<namespace>/<workload>` },
      ]);
    }
    return snapshot.connections;
  }

  async connections(clusterName: string, query: { format?: string; focus?: string; consistent?: boolean }) {
    const format = (query.format ?? 'txt') as ConnectionListFormat;
    if (!['txt', 'csv', 'json', 'md', 'dot'].includes(format)) {
      throw new DomainError('INVALID', 'unsupported format', [
        { path: 'format', reason: 'FieldValueNotSupported', message: 'supported values: "txt", "csv", "json", "md", "dot"' },
      ]);
    }
    let focusWorkload: { namespace: string; name: string } | undefined;
    if (query.focus !== undefined) {
      const [namespace, name, ...rest] = query.focus.split('/');
      if (!namespace || !name || rest.length) {
        throw new DomainError('INVALID', 'invalid focus', [{ path: 'focus', reason: 'FieldValueInvalid', message: 'expected <namespace>/<workload>' }]);
      }
      focusWorkload = { namespace, name };
    }
    const snapshot = await this.snapshots.load(clusterName, { consistent: query.consistent });
    if (focusWorkload && !snapshot.model.allPods().some((p) => p.namespace === focusWorkload!.namespace && p.owner.name === focusWorkload!.name)) {
      throw notFound('focus', `no workload "${query.focus}" in the cluster`);
    }
    const rows = this.connectionRows(snapshot, focusWorkload);
    return {
      ...PolicySnapshots.revisionOf(snapshot),
      format,
      rows: rows.map(({ src, dst, conn }) => ({ src, dst, conn })),
      text: renderConnectionList(rows, format),
    };
  }

  /** A port name must resolve on every destination pod, with the asked protocol. */
  private checkNamedPort(to: FoundEndpoints, name: string, protocol: string): void {
    for (const destination of to.endpoints) {
      if (!destination.pod) {
        throw new DomainError('INVALID', 'a named port needs a pod destination', [
          { path: 'port', reason: 'FieldValueInvalid', message: `"${name}" cannot be resolved on an IP address; give a number` },
        ]);
      }
      if (!destination.pod.containerPorts.some((p) => p.name === name && p.protocol === protocol)) {
        throw new DomainError('INVALID', `port "${name}" is not declared by ${destination.label}`, [
          { path: 'port', reason: 'FieldValueInvalid', message: `${destination.label} declares no ${protocol} container port named "${name}"` },
        ]);
      }
    }
  }
}
