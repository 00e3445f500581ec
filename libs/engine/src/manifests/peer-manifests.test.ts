import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError, type FieldError } from '../errors/domain-error';
import { SUPPORTED_KINDS } from './kinds';
import { parseManifestBody } from './parse-documents';
import type { FieldValidation } from './field-validation';
import { validateManifests } from './validate-manifests';

/**
 * Real manifests from netpol-analyzer's test folders (folders whose name lacks `bad_path`).
 * - Warn mode (the product's acceptance criterion): every document validates, except kinds
 *   outside the registry (KindNotSupported) and the few files of NOT_USABLE.
 * - Strict mode: the same, except also the files of KNOWN_INVALID, each rejected for the
 *   stated Kubernetes rule; this keeps the strictness proven.
 */
const PEER_ROOT = path.resolve(__dirname, '../../../../../shared/peer/netpol-analyzer/tests');

/** Strict mode: files of non-bad_path folders that break a Kubernetes rule, with the rejection expected. */
const NOT_A_MANIFEST = 'not a Kubernetes object (analyzer output or analyzer config): no apiVersion, kind or metadata.name';
const KINDT = "the list spells `kindt` instead of `kind`, so it has no kind (deliberately malformed fixture)";
const SYNTAX = 'not valid YAML: unquoted `{{ … }}` templates, a stray `@`, broken structure (the tab-in-flow and under-indented quoted-scalar slips go-yaml reads are repaired, see yaml-repair.ts)';
const BAD_NETPOL = 'invalid NetworkPolicy (bad CIDR, bad label key/value, ipBlock with selectors, empty peer), deliberately';
const CONTAINER_NAME = 'synthetic pods whose containers have no `name` (Kubernetes: spec.containers[0].name: Required value)';
const OWNER_REF = 'ownerReferences lack apiVersion, kind and uid, which Kubernetes requires';
const UNDERSCORE_NAME = 'NetworkPolicy name with `_` is not a DNS-1123 subdomain';
const MALFORMED_POD = 'container ports of the wrong type (deliberately malformed fixture)';
const SERVICE_PORT_NAMES = 'Service with several ports, some unnamed (Kubernetes: spec.ports[1].name: Required value)';
const UNKNOWN_FIELD = 'misspelt or misplaced field (`containerport`, `template.metadata.app`), an unknown field to a strict decoder';
const LABEL_VALUE = 'label value containing `/` (`ns-udn-a/udn-a`) is not a valid label value';
const END_PORT = 'endPort lower than port (Kubernetes rejects it; the analyzer treats it as an empty range)';
const POD_APPS_V1 = 'Pod with apiVersion apps/v1 (Pods are core v1 only)';

const KNOWN_INVALID: Record<string, { code: 'MALFORMED' | 'INVALID'; reason: FieldError['reason']; why: string }> = {
  'acs-security-demos/connlist_output.json': { code: 'INVALID', reason: 'FieldValueRequired', why: NOT_A_MANIFEST },
  'bad_netpols/subdir1/netpols.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: BAD_NETPOL },
  'bad_netpols/subdir2/netpols.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: BAD_NETPOL },
  'bad_netpols/subdir3/netpols.yaml': { code: 'INVALID', reason: 'FieldValueForbidden', why: BAD_NETPOL },
  'bad_netpols/subdir4/netpols.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: BAD_NETPOL },
  'bad_netpols/subdir7/resources.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: BAD_NETPOL },
  'bad_yamls/not_a_k8s_resource.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: NOT_A_MANIFEST },
  'core_pods_without_host_ip/pods_list.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'dirty/backend.yaml': { code: 'MALFORMED', reason: 'SyntaxError', why: SYNTAX },
  'dirty/frontend.yaml': { code: 'MALFORMED', reason: 'SyntaxError', why: SYNTAX },
  'document_with_syntax_error/document_with_syntax_error.yaml': { code: 'MALFORMED', reason: 'SyntaxError', why: SYNTAX },
  'example_pods_w_same_owner_and_labels_gap_anp_good/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_banp_good/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_no_policy/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_with_bad_match_expression/netpol.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: UNDERSCORE_NAME },
  'example_pods_w_same_owner_and_labels_gap_with_bad_match_expression/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_with_good_match_expression/netpol.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: UNDERSCORE_NAME },
  'example_pods_w_same_owner_and_labels_gap_with_good_match_expression/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_with_good_match_expression2/netpol.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: UNDERSCORE_NAME },
  'example_pods_w_same_owner_and_labels_gap_with_good_match_expression2/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap/netpol.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: UNDERSCORE_NAME },
  'example_pods_w_same_owner_and_labels_gap_with_policy_selector_not_in_gap/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'example_w_err_pods_w_same_owner_and_labels_gap_anp/pods.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: OWNER_REF },
  'malformed-pod-example-2/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: MALFORMED_POD },
  'malformed-pod-example-3/pods_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: KINDT },
  'malformed-pod-example-4/pods.json': { code: 'INVALID', reason: 'FieldValueRequired', why: KINDT },
  'malformed-pod-example-5/pod.yaml': { code: 'MALFORMED', reason: 'SyntaxError', why: SYNTAX },
  'malformed-pod-example-5/pods.json': { code: 'INVALID', reason: 'FieldValueRequired', why: KINDT },
  'malformed_pod_example/pod.yaml': { code: 'INVALID', reason: 'FieldValueTypeInvalid', why: MALFORMED_POD },
  'multiple_ingress_objects_with_different_ports/deployment_with_multiple_ports.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: SERVICE_PORT_NAMES },
  'multiple_ingress_objects_with_different_ports_new/deployment_with_multiple_ports.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: SERVICE_PORT_NAMES },
  'multiple_topology_resources_1/pods_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'multiple_topology_resources_2/pods_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'multiple_topology_resources_3/pods_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'multiple_topology_resources_4/pods_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'nad_test_1/pods.yaml': { code: 'INVALID', reason: 'FieldValueUnknown', why: UNKNOWN_FIELD },
  'nad_test_12/ns.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: LABEL_VALUE },
  'nad_test_13/ns.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: LABEL_VALUE },
  'nad_test_14/ns.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: LABEL_VALUE },
  'netpol_named_port_test/pods.yaml': { code: 'INVALID', reason: 'FieldValueUnknown', why: UNKNOWN_FIELD },
  'netpol_named_port_test_2/pods.yaml': { code: 'INVALID', reason: 'FieldValueUnknown', why: UNKNOWN_FIELD },
  'np_test_with_empty_port_range/netpol.yaml': { code: 'INVALID', reason: 'FieldValueInvalid', why: END_PORT },
  'one_ingress_multiple_ports/deployment_with_multiple_ports.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: SERVICE_PORT_NAMES },
  'one_ingress_multiple_services/deployment_with_multiple_services.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: SERVICE_PORT_NAMES },
  'onlineboutique/connlist_output.json': { code: 'INVALID', reason: 'FieldValueRequired', why: NOT_A_MANIFEST },
  'onlineboutique_with_pods_severe_error/pods.yaml': { code: 'MALFORMED', reason: 'SyntaxError', why: SYNTAX },
  'semanticDiff-different-topologies-policy-a/pods_list_a.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'semanticDiff-different-topologies-policy-a-with-ipblock/pods_list_a.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'semanticDiff-different-topologies-policy-b/pods_list_b.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'semanticDiff-different-topologies-policy-b-with-ipblock/pods_list_b.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'semanticDiff-orig-topologies-no-policy/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'semanticDiff-orig-topologies-policy-a/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'test_with_named_ports/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'test_with_named_ports_changed_netpol/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'test_with_named_ports_changed_netpol_2/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'test_with_named_ports_changed_netpol_3/pod_list.json': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'udn_with_ingress_controller/pod.yaml': { code: 'INVALID', reason: 'FieldValueNotSupported', why: POD_APPS_V1 },
  'udn_with_ingress_controller_two_pods/pod.yaml': { code: 'INVALID', reason: 'FieldValueNotSupported', why: POD_APPS_V1 },
  'udn_with_vm_and_ingress_controller/vm.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: SERVICE_PORT_NAMES },
  'with_end_port_example/pods_list.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'with_end_port_example_new/pods_list.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
  'workload_resources/podList.yaml': { code: 'INVALID', reason: 'FieldValueRequired', why: CONTAINER_NAME },
};

/**
 * Warn mode: files that are genuinely not usable input, rejected even when tolerating
 * Kubernetes-only rules. Every other rejection in Warn mode fails the test.
 */
const NOT_USABLE: Record<string, string> = {
  // netpol-analyzer OUTPUT (connectivity reports), not manifests.
  'acs-security-demos/connlist_output.json': NOT_A_MANIFEST,
  'onlineboutique/connlist_output.json': NOT_A_MANIFEST,
  'bad_yamls/not_a_k8s_resource.yaml': NOT_A_MANIFEST,
  // Deliberately broken templated or syntax-error fixtures.
  'dirty/backend.yaml': SYNTAX,
  'dirty/frontend.yaml': SYNTAX,
  'document_with_syntax_error/document_with_syntax_error.yaml': SYNTAX,
  'onlineboutique_with_pods_severe_error/pods.yaml': SYNTAX,
  // Deliberately malformed examples: wrong JSON types where ports are read, `kindt` for `kind`, YAML garbage.
  'malformed-pod-example-2/pod_list.json': MALFORMED_POD,
  'malformed-pod-example-3/pods_list.json': KINDT,
  'malformed-pod-example-4/pods.json': KINDT,
  'malformed-pod-example-5/pod.yaml': SYNTAX,
  'malformed-pod-example-5/pods.json': KINDT,
  'malformed_pod_example/pod.yaml': MALFORMED_POD,
  // Deliberately invalid NetworkPolicies: bad CIDR, bad selector keys/values, ipBlock with selectors, empty peer.
  'bad_netpols/subdir1/netpols.yaml': BAD_NETPOL,
  'bad_netpols/subdir2/netpols.yaml': BAD_NETPOL,
  'bad_netpols/subdir3/netpols.yaml': BAD_NETPOL,
  'bad_netpols/subdir4/netpols.yaml': BAD_NETPOL,
  'bad_netpols/subdir7/resources.yaml': BAD_NETPOL,
};

function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifestFiles(full));
    else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

interface FileOutcome {
  file: string;
  unsupportedKinds: string[];
  otherErrors: FieldError[];
  code?: string;
  warnings: number;
}

function check(file: string, fieldValidation: FieldValidation): FileOutcome {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(PEER_ROOT, file);
  try {
    const docs = parseManifestBody(text, file.endsWith('.json') ? 'json' : 'yaml');
    const { objects } = validateManifests(docs, { fieldValidation });
    return { file: rel, unsupportedKinds: [], otherErrors: [], warnings: objects.reduce((n, o) => n + (o.warnings?.length ?? 0), 0) };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const unsupported = e.errors.filter((err) => err.reason === 'KindNotSupported');
    return {
      file: rel,
      code: e.code,
      unsupportedKinds: unsupported.map((err) => /kind "([^"]+)" of apiVersion "([^"]+)"/.exec(err.message)!.slice(1).join(' ')),
      otherErrors: e.errors.filter((err) => err.reason !== 'KindNotSupported'),
      warnings: 0,
    };
  }
}

describe.skipIf(!fs.existsSync(PEER_ROOT))('peer manifests (netpol-analyzer tests)', () => {
  const folders = fs.existsSync(PEER_ROOT)
    ? fs.readdirSync(PEER_ROOT, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.includes('bad_path')).map((d) => d.name)
    : [];

  it('Strict: validates every document except unsupported kinds and known-invalid files', () => {
    const failures: string[] = [];
    const unsupportedByFolder = new Map<string, Set<string>>();
    for (const folder of folders) {
      for (const file of manifestFiles(path.join(PEER_ROOT, folder))) {
        const outcome = check(file, 'Strict');
        const known = KNOWN_INVALID[outcome.file];
        for (const k of outcome.unsupportedKinds) {
          if (!unsupportedByFolder.has(folder)) unsupportedByFolder.set(folder, new Set());
          unsupportedByFolder.get(folder)!.add(k);
        }
        if (known) {
          const reasons = outcome.otherErrors.map((e) => e.reason);
          if (outcome.code !== known.code || !reasons.includes(known.reason)) failures.push(`${outcome.file}: expected ${known.code}/${known.reason}, got ${outcome.code}/${reasons.join(',')}`);
          continue;
        }
        for (const err of outcome.otherErrors) failures.push(`${outcome.file}: doc ${err.document} ${err.path} ${err.reason} ${err.message.slice(0, 160)}`);
      }
    }
    if (process.env['PEER_REPORT']) {
      fs.writeFileSync(`${process.env['PEER_REPORT']}.kinds`, [...unsupportedByFolder].sort().map(([f, k]) => `${f}: ${[...k].sort().join(', ')}`).join('\n'));
      for (const [folder, kinds] of [...unsupportedByFolder].sort()) console.log(`UNSUPPORTED ${folder}: ${[...kinds].sort().join(', ')}`);
    }
    if (process.env['PEER_REPORT']) fs.writeFileSync(process.env['PEER_REPORT'], failures.join('\n'));
    expect(failures).toEqual([]);
    const rejectedKinds = new Set([...unsupportedByFolder.values()].flatMap((kinds) => [...kinds].map((k) => k.split(' ')[0]!)));
    expect(rejectedKinds.size).toBeGreaterThan(0);
    for (const kind of rejectedKinds) expect(SUPPORTED_KINDS.has(kind)).toBe(false);
  }, 120_000);
  it('Warn: every document validates except unsupported kinds and files that are not usable input', () => {
    const failures: string[] = [];
    const accepted: string[] = [];
    let warnings = 0;
    for (const folder of folders) {
      for (const file of manifestFiles(path.join(PEER_ROOT, folder))) {
        const outcome = check(file, 'Warn');
        warnings += outcome.warnings;
        if (NOT_USABLE[outcome.file] !== undefined) {
          if (!outcome.code || outcome.otherErrors.length === 0) accepted.push(outcome.file);
          continue;
        }
        for (const err of outcome.otherErrors) failures.push(`${outcome.file}: doc ${err.document} ${err.path} ${err.reason} ${err.message.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    // The exclusions stay honest: each listed file is still rejected for something other than its kinds.
    expect(accepted).toEqual([]);
    // Files Strict mode rejects (KNOWN_INVALID, not NOT_USABLE) pass above, with warnings.
    expect(warnings).toBeGreaterThan(0);
  }, 120_000);
});
