import { DomainError, formatFieldPath, type FieldError, type FieldReason } from '../errors/domain-error';
import { asWarning, isTolerated, type ClassifiedProblem, type FieldValidation, type ToleratedRule, type ValidateOptions } from './field-validation';
import { foldFieldNameCase } from './field-case';
import { findKind, SUPPORTED_KINDS, type KindDefinition } from './kinds';
import type { FieldPathSegment, ParsedDocument } from './parse-documents';
import { schemaProblems } from './schemas/schema-issues';

/**
 * Validates parsed documents into the internal model. All errors of all documents are
 * collected and thrown together, as one 422 lists every cause.
 */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  /** '' for cluster-scoped kinds; 'default' when a namespaced object omits it. */
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** metadata.ownerReferences as given (Warn mode may keep entries lacking some fields). */
  ownerReferences?: OwnerReference[];
  spec?: unknown;
  status?: unknown;
  /** Other top-level fields, e.g. EndpointSlice addressType, endpoints and ports. */
  data?: Record<string, unknown>;
  /** Index of the document the object came from. */
  document: number;
  /** Item prefix inside the document ('' at top level, `items[3]` in a List). */
  path: string;
  /**
   * Problems tolerated in `fieldValidation: 'Warn'` mode (and YAML the parser had to repair),
   * in source order; absent when there are none. Paths are relative to the document, as in errors.
   */
  warnings?: FieldError[];
}

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const ENVELOPE_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON null means "unset" to the API server's decoder (`labels:` with nothing after it,
 * `creationTimestamp: null` in exports), so null fields are dropped before validation.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function describeObject(kind: string, namespace: string, name: string): string {
  return namespace ? `${kind} "${namespace}/${name}"` : `${kind} "${name}"`;
}

/** Schema issues come out parents-last; people read errors top to bottom. */
function inSourceOrder(list: FieldError[]): FieldError[] {
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.line ?? Infinity) - (b.e.line ?? Infinity) || (a.e.column ?? Infinity) - (b.e.column ?? Infinity) || a.i - b.i)
    .map(({ e }) => e);
}

/** Groups of the registry's apiVersions ('' is the core group), for apiVersion normalization in Warn mode. */
function apiGroup(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const KNOWN_GROUPS = new Set([...SUPPORTED_KINDS.values()].flatMap((d) => d.apiVersions.map((v) => apiGroup(v).group)));

/**
 * The registry apiVersion a known kind sent under another built-in group but the same version
 * (`apps/v1` Pod → `v1`), if there is exactly one; rule apiVersionGroup.
 */
function normalizedApiVersion(definition: KindDefinition, apiVersion: string): string | undefined {
  const given = apiGroup(apiVersion);
  if (!KNOWN_GROUPS.has(given.group)) return undefined;
  const candidates = definition.apiVersions.filter((v) => apiGroup(v).version === given.version);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * Validates parsed documents. With `fieldValidation: 'Warn'`, problems classified as tolerable
 * in field-validation.ts keep their object and come back in its `warnings`; anything else
 * rejects the whole body (DomainError INVALID listing every error), as in 'Strict' mode.
 */
export function validateManifests(docs: readonly ParsedDocument[], options: ValidateOptions = {}): { objects: ManifestObject[] } {
  const mode: FieldValidation = options.fieldValidation ?? 'Strict';
  const errors: FieldError[] = [];
  const objects: ManifestObject[] = [];
  const firstSeen = new Map<string, { document: number; path: string }>();

  for (const doc of docs) {
    const problems: ClassifiedProblem[] = [];
    const report = (path: FieldPathSegment[], reason: FieldReason, message: string, rule?: ToleratedRule): void => {
      const position = doc.locate(path);
      const error: FieldError = { document: doc.index, path: formatFieldPath([...doc.itemPath, ...path]), reason, message, ...(position ?? {}) };
      problems.push(rule ? { error, rule } : { error });
    };
    /** Moves the document's intolerable problems to `errors`; true when there were any. */
    const rejected = (): boolean => {
      const fatal = problems.filter((p) => !isTolerated(p, mode)).map((p) => p.error);
      errors.push(...inSourceOrder(fatal));
      return fatal.length > 0;
    };
    const raw = withoutNulls(doc.object);
    if (!isPlainObject(raw)) {
      report([], 'FieldValueTypeInvalid', 'expected an object');
      rejected();
      continue;
    }
    let object: Record<string, unknown> = raw;
    const { apiVersion: givenApiVersion, kind } = object;
    const metadata = isPlainObject(object['metadata']) ? object['metadata'] : undefined;
    const name = metadata?.['name'];

    if (typeof givenApiVersion !== 'string' || givenApiVersion === '') report(['apiVersion'], 'FieldValueRequired', 'Required value: apiVersion must be set');
    if (typeof kind !== 'string' || kind === '') report(['kind'], 'FieldValueRequired', 'Required value: kind must be set');
    if (typeof name !== 'string' || name === '') report(['metadata', 'name'], 'FieldValueRequired', 'Required value: name is required');
    if (typeof givenApiVersion !== 'string' || typeof kind !== 'string' || givenApiVersion === '' || kind === '') {
      rejected();
      continue;
    }

    let apiVersion: string = givenApiVersion;
    const definition = findKind(kind);
    if (!definition) {
      report(['kind'], 'KindNotSupported', `kind "${kind}" of apiVersion "${apiVersion}" is not supported`);
      rejected();
      continue;
    }
    if (!definition.apiVersions.includes(apiVersion)) {
      const supported = definition.apiVersions.map((v) => `"${v}"`).join(', ');
      const normalized = normalizedApiVersion(definition, apiVersion);
      if (normalized && mode === 'Warn') {
        report(['apiVersion'], 'FieldValueNotSupported', `Unsupported value: "${apiVersion}": supported values for kind ${kind}: ${supported}; read as "${normalized}"`, 'apiVersionGroup');
        apiVersion = normalized;
        object = { ...object, apiVersion };
      } else {
        report(['apiVersion'], 'FieldValueNotSupported', `Unsupported value: "${apiVersion}": supported values for kind ${kind}: ${supported}`);
        rejected();
        continue;
      }
    }

    if (mode === 'Warn') {
      const folded = foldFieldNameCase(definition.schema, object);
      object = folded.object;
      for (const r of folded.renames) report([...r.path, r.from], 'FieldValueUnknown', `unknown field ${JSON.stringify(r.from)}: read as ${JSON.stringify(r.to)}`, 'fieldNameCase');
    }

    const parsed = definition.schema.safeParse(object, { reportInput: true });
    if (!parsed.success) {
      for (const problem of schemaProblems(parsed.error.issues)) {
        // A missing metadata is already reported as a missing metadata.name.
        if (problem.path.length === 1 && problem.path[0] === 'metadata' && problem.reason === 'FieldValueRequired') continue;
        report(problem.path, problem.reason, problem.message, problem.rule);
      }
    }
    if (typeof name === 'string' && name !== '') {
      const nameProblems = definition.checkName(name);
      if (nameProblems.length) report(['metadata', 'name'], 'FieldValueInvalid', `Invalid value: ${JSON.stringify(name)}: ${nameProblems.join('; ')}`, 'objectName');
    }
    if (rejected() || typeof name !== 'string' || !metadata) continue;

    const declaredNamespace = typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : 'default';
    // The API server ignores metadata.namespace on cluster-scoped kinds.
    const namespace = definition.namespaced ? declaredNamespace : '';
    const path = formatFieldPath(doc.itemPath);
    const key = `${kind}/${namespace}/${name}`;
    const first = firstSeen.get(key);
    if (first) {
      const where = first.path ? `document ${first.document} at ${first.path}` : `document ${first.document}`;
      report(['metadata', 'name'], 'FieldValueDuplicate', `Duplicate value: ${describeObject(kind, namespace, name)} is already defined in ${where}`);
      rejected();
      continue;
    }
    firstSeen.set(key, { document: doc.index, path });

    const labels = { ...((metadata['labels'] as Record<string, string> | undefined) ?? {}) };
    // Every Namespace carries its name as a label; the API server sets it, overwriting any other value.
    if (kind === 'Namespace') labels[NAMESPACE_NAME_LABEL] = name;
    const data: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(object)) if (!ENVELOPE_FIELDS.has(field)) data[field] = value;

    const result: ManifestObject = {
      apiVersion,
      kind,
      namespace,
      name,
      labels,
      annotations: { ...((metadata['annotations'] as Record<string, string> | undefined) ?? {}) },
      document: doc.index,
      path,
    };
    if (typeof metadata['uid'] === 'string') result.uid = metadata['uid'];
    if (typeof metadata['resourceVersion'] === 'string') result.resourceVersion = metadata['resourceVersion'];
    if (Array.isArray(metadata['ownerReferences']) && metadata['ownerReferences'].length) result.ownerReferences = metadata['ownerReferences'] as OwnerReference[];
    if (object['spec'] !== undefined) result.spec = object['spec'];
    if (object['status'] !== undefined) result.status = object['status'];
    if (Object.keys(data).length) result.data = data;
    const warnings = [...(doc.warnings ?? []), ...inSourceOrder(problems.filter((p) => isTolerated(p, mode)).map(asWarning))];
    if (warnings.length) result.warnings = warnings;
    objects.push(result);
  }

  if (errors.length) throw new DomainError('INVALID', errors.length === 1 ? '1 error' : `${errors.length} errors`, errors);
  return { objects };
}

/** Namespaces that namespaced objects use but that the same set does not declare, sorted. */
export function impliedNamespaces(objects: readonly ManifestObject[]): string[] {
  const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.name));
  const used = new Set(objects.filter((o) => o.namespace !== '' && !declared.has(o.namespace)).map((o) => o.namespace));
  return [...used].sort();
}
