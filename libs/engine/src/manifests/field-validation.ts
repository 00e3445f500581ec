import type { FieldError } from '../errors/domain-error';

/**
 * How strictly manifests are checked, after Kubernetes' server-side `fieldValidation`:
 * - 'Strict' (default): every problem rejects the body, as the API server would.
 * - 'Warn': problems of Kubernetes-only rules that do not stop the network model from reading
 *   the object keep the object and come back as warnings on it; all others still reject.
 */
export type FieldValidation = 'Strict' | 'Warn';

export interface ValidateOptions {
  fieldValidation?: FieldValidation;
}

/**
 * THE classification of tolerable problems: every problem a schema or the validator may
 * downgrade to a warning carries one of these rules; a problem without a rule (or with a rule
 * missing here) always rejects. Each entry says why the model can live with it.
 *
 * Always rejected, by not being listed: missing apiVersion/kind/metadata.name, unsupported
 * kinds, unparseable CIDRs or `except` outside `cidr`, ports outside 1–65535, unknown
 * protocols, endPort with a named or missing port, wrong JSON types, label-selector syntax
 * (selectors decide verdicts), ipBlock mixed with selectors, empty peers, duplicate Service
 * port names (an Ingress or named targetPort would resolve ambiguously), duplicate objects in
 * one body, an apiVersion of another version or of a group the registry does not know, and
 * YAML/JSON syntax errors.
 */
export const TOLERATED_RULES = {
  /** Unknown fields are kept as given and ignored by the model, as the API server's Warn mode does. */
  unknownField: 'the field is kept as given but ignored',
  /**
   * A field spelled with other letter case than a known, absent field (`containerport`) is read
   * as that field: Go's encoding/json, which kubectl-era tools and netpol-analyzer decode with,
   * matches field names case-insensitively. The object keeps the canonical spelling.
   */
  fieldNameCase: 'the field is read under its canonical spelling',
  /** Container names identify containers for kubelet and logs; the model never reads them. */
  containerName: 'container names are not used by the network model',
  /** ownerReferences decide no connection; an entry lacking apiVersion, kind, name or uid is kept as given. */
  ownerReference: 'incomplete owner references are kept as given',
  /**
   * DNS-1123/1035 name rules protect DNS records and object URLs; the model keys objects by the
   * (non-empty) name as a plain string. Covers metadata.name and metadata.namespace.
   */
  objectName: 'the name is used as given',
  /** Label/annotation key and value syntax: the model compares labels as plain strings. */
  labelSyntax: 'labels and annotations are compared as plain strings',
  /** Unnamed ports of a multi-port Service can still be reached by number; only name lookups miss them. */
  servicePortName: 'unnamed Service ports are reachable by number only',
  /** Duplicate container port names: a named-port lookup uses the first container port of that name. */
  containerPortNameDuplicate: 'named-port lookups use the first port of that name',
  /** endPort below port: the model treats the range port..endPort as empty (it matches no port), as netpol-analyzer does. */
  endPortBelowPort: 'the port range is empty and matches no port',
  /**
   * A known kind sent under the same version of another built-in group (`apps/v1` Pod): the
   * kind decides how the model reads the object, and the schema of the registry's apiVersion
   * is checked in full, so the apiVersion is normalized to the registry's.
   */
  apiVersionGroup: 'the apiVersion is normalized to the registry’s',
} as const satisfies Record<string, string>;

export type ToleratedRule = keyof typeof TOLERATED_RULES;

/** A problem found while validating, with the tolerance rule it falls under, if any. */
export interface ClassifiedProblem {
  error: FieldError;
  rule?: ToleratedRule;
}

export function isTolerated(problem: ClassifiedProblem, mode: FieldValidation): boolean {
  return mode === 'Warn' && problem.rule !== undefined && Object.prototype.hasOwnProperty.call(TOLERATED_RULES, problem.rule);
}

/** The warning a tolerated problem becomes: the same FieldError, its message saying what the model does. */
export function asWarning(problem: ClassifiedProblem): FieldError {
  const consequence = problem.rule ? TOLERATED_RULES[problem.rule] : undefined;
  return consequence ? { ...problem.error, message: `${problem.error.message} (accepted: ${consequence})` } : problem.error;
}
