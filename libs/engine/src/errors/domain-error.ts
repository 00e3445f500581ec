/**
 * Errors of the engine and of the services around it carry a code and, where a field is at
 * fault, its path. Each transport maps codes to its own shape once (problem+json on REST,
 * coded errors on GraphQL), so the core never knows about HTTP.
 */
export type DomainErrorCode =
  /** The request body or a field of it is invalid (HTTP 422). */
  | 'INVALID'
  /** The body could not be read as YAML or JSON at all (HTTP 400). */
  | 'MALFORMED'
  /** A named thing does not exist (HTTP 404). */
  | 'NOT_FOUND'
  /** A name is taken, or a precondition such as resourceVersion no longer holds (HTTP 409). */
  | 'CONFLICT'
  /** The body exceeds the configured size (HTTP 413). */
  | 'TOO_LARGE'
  /** The body's media type is not one we read (HTTP 415). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** An address or port pool has no free entry left (HTTP 422). */
  | 'EXHAUSTED'
  /** A bounded wait ran out (HTTP 503 with Retry-After). */
  | 'UNAVAILABLE';

/**
 * Why a field was rejected. Names follow the Kubernetes API's `StatusCause` types where one
 * fits, so people who know `kubectl` errors recognise them.
 */
export type FieldReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTypeInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueUnknown'
  | 'KindNotSupported'
  | 'SyntaxError'
  | 'Conflict'
  | 'NotFound';

export interface FieldError {
  /** 0-based index of the document in a multi-document body, when the body had documents. */
  document?: number;
  /** 1-based line and column in the YAML/JSON text, when known. */
  line?: number;
  column?: number;
  /** Dotted path with indexes, e.g. `spec.ingress[0].from[1].ipBlock.cidr`; "" for the whole document. */
  path: string;
  reason: FieldReason;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Formats a path of keys and indexes the way Kubernetes reports fields: `a.b[0].c`. */
export function formatFieldPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
