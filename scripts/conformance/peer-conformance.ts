/**
 * Conformance against the peer corpus (np-guard/netpol-analyzer test data): for each scenario
 * with a golden connlist, import its manifests, compute the workload connection list, render
 * txt and compare with the golden after trimming lines and dropping empty ones. Used by
 * `npm run conformance` (the report) and by test/conformance (the regression guard).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DomainError,
  computeClusterModel,
  connectionList,
  exposureReport,
  parseManifestBody,
  renderExposure,
  policyModelOf,
  renderConnectionList,
  validateManifests,
  toClusterObjectInput,
  type ClusterObjectInput,
  type ManifestObject,
} from '../../libs/engine/src';
import { manifestFiles, PEER_ROOT, PEER_TESTS } from '../../test/support/peer-corpus';

export const repoRoot = path.resolve(__dirname, '../..');
const goldenDir = path.join(PEER_ROOT, 'expected/connlist');
export const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

/** Kinds that make a scenario an out-of-scope family, by family name. */
const FAMILY_OF_KIND: Record<string, string> = {
  AdminNetworkPolicy: 'AdminNetworkPolicy / BaselineAdminNetworkPolicy',
  BaselineAdminNetworkPolicy: 'AdminNetworkPolicy / BaselineAdminNetworkPolicy',
  UserDefinedNetwork: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
  ClusterUserDefinedNetwork: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
  NetworkAttachmentDefinition: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
  MultiNetworkPolicy: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
  VirtualMachine: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
  VirtualMachineInstance: 'UDN / CUDN / NAD / MultiNetworkPolicy / VirtualMachine',
};

/** Why the remaining differences are the peer's, and how scope was decided. */
export const NOTES = `## Where we differ from the peer on purpose

- **ipBlock matches pod IPs** (\`semanticDiff-different-topologies-policy-a-with-ipblock\`,
  \`semanticDiff-different-topologies-policy-b-with-ipblock\`). semantics.md, NetworkPolicy,
  \`ipBlock\`: "Convention here (what the upstream e2e CIDR tests require): ipBlock matches pod IPs
  too, not only cluster-external addresses." These pods carry no IP in the input, so the model
  gives them addresses from the pod CIDR (10.244.0.0/16), which lie inside the policy's
  \`10.0.0.0/8 except 10.10.0.0/16\`; the ingress rule therefore admits the other pods, while the
  peer only ever matches ipBlocks against external addresses. Our extra rows are
  \`pod => cog-agents-1/-5\` connections allowed by the ipBlock rule.

- **Ingress backend port is the service port** (exposure golden \`k8s_ingress_test_new\`, and the
  diff golden \`diff_between_k8s_ingress_test_new_and_k8s_ingress_test\` for the same reason).
  semantics.md, Ingress, and the Ingress API: \`backend.service.port.number\` names a port of the
  Service. The Ingress routes \`demo.unicorn.me/unicorn\` to service \`unicorn\` port 8080, but that
  Service has only port 5000 (targetPort 8080): no controller sends anything there. The peer also
  matches a backend port against the service's *target* port and prints
  \`{ingress-controller} => default/unicorn[Deployment] : TCP 8080\`; we print no such row.
- **Ingress traffic does not need a declared container port** (no golden affected). The peer
  keeps an \`{ingress-controller}\` port only where the backend pod declares it as a container
  port (and counts every declared port as TCP); semantics.md: "Verdicts judge policy, not whether
  something listens: a declared container port matters only for resolving names". We keep the
  resolved target port (TCP) whether declared or not, and resolve named target ports among the
  pod's TCP container ports.

## How the ingress controller is modelled

- A setting (\`ingressControllers\`, per IngressClass controller) names the workload that runs
  each controller; defaults: \`k8s.io/ingress-nginx\` → Deployment
  \`ingress-nginx/ingress-nginx-controller\` (ingress-nginx's chart and static manifests), and
  \`openshift.io/ingress-to-route\` (Routes, IngressClass \`openshift-default\`) → Deployment
  \`openshift-ingress/router-default\`. An Ingress's class resolves through IngressClass objects
  (class named, else the one default class); an Ingress whose class does not exist, or that names
  none without a single default, is served by no controller (\`/ingress/routes\` calls it
  unattached) and gets no rows. Only an input without any IngressClass object (every peer
  scenario) is read as the first configured controller serving every Ingress. Where the
  workload exists, its pods are the source and the rows are ordinary pod-to-pod rows.
- Where it does not (every peer scenario), the source is the peer's stand-in
  \`{ingress-controller}\`: a pod without labels or address in a namespace of its own
  (\`ingress-controller-ns\`, labelled only with its name), whose egress is not isolated (the peer's
  own construction; the goldens agree: \`acs-security-demos\` admits it through
  \`namespaceSelector: {}\`). So a podSelector of the policy's own namespace, a namespaceSelector
  naming a namespace, or an ipBlock never admit it.
- Backends: Ingress rules' and \`defaultBackend\`'s Services, Route \`spec.to\` and
  \`alternateBackends\` Services (kind Service), in the object's namespace; ports: the selected
  service port (Ingress: number or name; Route \`port.targetPort\`: port name or target port; none:
  every port) resolved to the target port on each ready endpoint pod, TCP; then intersected with
  what policies allow from the source.

## Exposure (peer format)

- \`renderExposure(exposureReport(…), 'txt')\` prints the connection list, then per workload and
  direction: external ranges (the connection list's \`[External]\` rows), \`entire-cluster\` (rules
  admitting every pod of every namespace), and one representative per rule peer the cluster does
  not stand for, with everything the workload's rules would allow it, shown when that exceeds the
  entire-cluster exposure; then the workloads no policy isolates. Representatives are named as
  the peer names them (\`ns/[pod with {…}]\`, \`[namespace with {{Key:…,Operator:…,Values:[…],}}]/[all
  pods]\`, first spelling across policies wins for equivalent selectors). When cluster pods stand
  for a peer (it selects pods by matchLabels only, in named namespaces, and some pod matches) no
  representative is shown: a rule derived from the goldens, not from a specification.

## How scope is decided

- Out of scope: inputs with AdminNetworkPolicy/BaselineAdminNetworkPolicy, UDN/CUDN/NAD/
  MultiNetworkPolicy/VirtualMachine kinds. Ingress / Route scenarios (\`{ingress-controller}\` rows)
  are in scope since the exposure module (libs/engine/src/exposure) computes those rows; so are
  their diff goldens, computed as the worker lists a cluster (with the Ingress/Route backends and
  the default \`ingressControllers\` setting).
- Other kinds the registry does not support (ConfigMap, ServiceAccount, RBAC) carry no
  connectivity: their documents are skipped and the scenario stays in scope.
- External ranges are cut per direction, as the peer does: rows into pods use the atoms of all
  ingress ipBlocks, rows out of pods those of all egress ipBlocks (each block taken as its cidr
  less the union of its excepts).`;

export interface LoadedScenario {
  objects: ClusterObjectInput[];
  unsupportedKinds: Set<string>;
  problems: string[];
}

/** Parses and validates (Warn) document by document, so unsupported kinds skip only themselves. */
export function loadScenario(scenarioDir: string): LoadedScenario {
  const objects: ClusterObjectInput[] = [];
  const unsupportedKinds = new Set<string>();
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const file of manifestFiles(scenarioDir)) {
    const rel = path.relative(scenarioDir, file);
    let docs;
    try {
      docs = parseManifestBody(fs.readFileSync(file, 'utf8'), file.endsWith('.json') ? 'json' : 'yaml');
    } catch (e) {
      problems.push(`${rel}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const doc of docs) {
      try {
        for (const o of validateManifests([doc], { fieldValidation: 'Warn' }).objects) {
          const key = `${o.kind}/${o.namespace}/${o.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          objects.push(toClusterObjectInput(o));
        }
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        for (const err of e.errors) {
          const m = /kind "([^"]+)"/.exec(err.message);
          if (err.reason === 'KindNotSupported' && m) unsupportedKinds.add(m[1]!);
          else problems.push(`${rel}: doc ${err.document} ${err.path} ${err.message.slice(0, 120)}`);
        }
      }
    }
  }
  return { objects, unsupportedKinds, problems };
}

/** The out-of-scope families a loaded scenario belongs to (by the kinds it has or could not load). */
export function familiesOf(loaded: LoadedScenario): Set<string> {
  const families = new Set<string>();
  for (const kind of [...loaded.unsupportedKinds, ...loaded.objects.map((o) => o.kind)]) if (FAMILY_OF_KIND[kind]) families.add(FAMILY_OF_KIND[kind]!);
  return families;
}

const normalize = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** A rendered text against its golden, lines trimmed and empty ones dropped: the first difference, if any. */
export function compareWithGolden(golden: string, got: string): { pass: boolean; diff?: { line: number; expected: string; got: string }; expectedLines: number; gotLines: number } {
  const expected = normalize(golden);
  const lines = normalize(got);
  for (let i = 0; i < Math.max(expected.length, lines.length); i++) {
    if (expected[i] !== lines[i]) return { pass: false, diff: { line: i + 1, expected: expected[i] ?? '(end)', got: lines[i] ?? '(end)' }, expectedLines: expected.length, gotLines: lines.length };
  }
  return { pass: true, expectedLines: expected.length, gotLines: lines.length };
}

export interface Outcome {
  name: string;
  family?: string;
  pass?: boolean;
  diff?: { line: number; expected: string; got: string };
  expectedLines?: number;
  gotLines?: number;
  problems: string[];
  unsupported: string[];
}

/** Runs every peer scenario that has a connlist golden (those whose name contains `filter`, if given). */
export function runConformance(options: { filter?: string; onFailure?: (name: string, got: string) => void } = {}): { outcomes: Outcome[]; focusOutcomes: Outcome[]; exposureOutcomes: Outcome[] } {
  const { filter } = options;
  const goldens = new Set(fs.readdirSync(goldenDir));
  const focusFiles = (name: string): string[] =>
    [...goldens].filter((f) => f.startsWith(`${name}_focus_workload_`) && f.endsWith('_connlist_output.txt') && isPlainFocus(f.slice(`${name}_focus_workload_`.length, -'_connlist_output.txt'.length))).sort();
  // Scenarios with a connlist golden, and those with only focus goldens (their focus variants run alone).
  const scenarios = fs
    .readdirSync(PEER_TESTS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (goldens.has(`${d.name}_connlist_output.txt`) || goldens.has(`${d.name}_exposure_output.txt`) || focusFiles(d.name).length > 0))
    .map((d) => d.name)
    .filter((n) => !filter || n.includes(filter))
    .sort();

  const outcomes: Outcome[] = [];
  const focusOutcomes: Outcome[] = [];
  const exposureOutcomes: Outcome[] = [];
  for (const name of scenarios) {
    const exposureGolden = goldens.has(`${name}_exposure_output.txt`) ? fs.readFileSync(path.join(goldenDir, `${name}_exposure_output.txt`), 'utf8') : undefined;
    const hasMain = goldens.has(`${name}_connlist_output.txt`);
    const golden = hasMain ? fs.readFileSync(path.join(goldenDir, `${name}_connlist_output.txt`), 'utf8') : '';
    const loaded = loadScenario(path.join(PEER_TESTS, name));
    // Other unsupported kinds (ConfigMap, ServiceAccount, RBAC) carry no connectivity: reported, not fatal.
    const families = familiesOf(loaded);
    const base = { name, problems: loaded.problems, unsupported: [...loaded.unsupportedKinds].sort() };
    if (families.size > 0) {
      const family = [...families].sort().join(' + ');
      if (hasMain) outcomes.push({ ...base, family });
      if (exposureGolden !== undefined) exposureOutcomes.push({ ...base, family });
      for (const file of focusFiles(name)) focusOutcomes.push({ name: file.replace('_connlist_output.txt', ''), family, problems: [], unsupported: [] });
      continue;
    }
    const cluster = computeClusterModel(loaded.objects, SETTINGS);
    const model = policyModelOf(cluster, SETTINGS);
    if (hasMain) {
      const got = renderConnectionList(connectionList(model, { clusterModel: cluster }), 'txt');
      const outcome: Outcome = { ...base, ...compareWithGolden(golden, got) };
      outcomes.push(outcome);
      if (!outcome.pass) options.onFailure?.(name, got);
    }

    if (exposureGolden !== undefined) {
      const report = exposureReport({ model, clusterModel: cluster, settings: SETTINGS });
      const got = renderExposure(report, 'txt');
      const outcome: Outcome = { ...base, ...compareWithGolden(exposureGolden, got) };
      exposureOutcomes.push(outcome);
      if (!outcome.pass) options.onFailure?.(`${name} (exposure)`, got);
    }

    // Focus variants: <scenario>_focus_workload_[<ns>_]<name>_connlist_output.txt (no direction, peer or port suffix).
    for (const file of focusFiles(name)) {
      const rest = file.slice(`${name}_focus_workload_`.length, -'_connlist_output.txt'.length);
      const cut = rest.indexOf('_');
      // Kubernetes names have no `_`: the first one separates namespace and name; none means any namespace.
      const focus = cut < 0 ? { name: rest } : { namespace: rest.slice(0, cut), name: rest.slice(cut + 1) };
      const text = renderConnectionList(connectionList(model, { focusWorkload: focus, clusterModel: cluster }), 'txt');
      focusOutcomes.push({ name: file.replace('_connlist_output.txt', ''), problems: [], unsupported: [], ...compareWithGolden(fs.readFileSync(path.join(goldenDir, file), 'utf8'), text) });
    }
  }
  return { outcomes, focusOutcomes, exposureOutcomes };
}

/** A focus on one workload only: no direction (`_ingress`/`_egress`), peer (`_with_`) or port suffix. */
function isPlainFocus(rest: string): boolean {
  return !/_(ingress|egress)$|_with_|_(tcp|udp|sctp)-\d+$/.test(rest);
}
