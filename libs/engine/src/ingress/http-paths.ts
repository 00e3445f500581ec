import { DomainError } from '../errors/domain-error';

/**
 * Request paths and hosts as Ingress and Gateway API read them. Both APIs share the
 * element-wise prefix rule (semantics.md, Ingress: "Prefix matches element by element on
 * '/'-separated segments, ignoring a trailing slash"; Gateway API PathPrefix says the same).
 */

/** Exact: the whole path, case-sensitive. */
export function exactPathMatches(path: string, requestPath: string): boolean {
  return path === requestPath;
}

/** Prefix: `/aaa/bbb` matches `/aaa/bbb`, `/aaa/bbb/`, `/aaa/bbb/ccc`, never `/aaa/bbbxyz`; `/` matches all. */
export function prefixPathMatches(prefix: string, requestPath: string): boolean {
  const p = stripTrailingSlash(prefix);
  if (p === '') return true;
  return requestPath === p || requestPath.startsWith(`${p}/`);
}

/** `/aaa/bbb/` → `/aaa/bbb`; `/` → '' (the prefix that matches everything). */
export function stripTrailingSlash(path: string): string {
  let p = path;
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export interface ParsedRequestUrl {
  scheme: 'http' | 'https';
  /** Lower-case, without port. */
  host: string;
  port: number;
  path: string;
  query: Record<string, string>;
}

/** Parses a request URL; a URL without scheme is read as http. `field` names the input in errors. */
export function parseRequestUrl(url: string, field = 'url'): ParsedRequestUrl {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new DomainError('INVALID', `invalid url ${JSON.stringify(url)}`, [{ path: field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(url)}: not a URL` }]);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw new DomainError('INVALID', `unsupported scheme ${scheme}`, [{ path: field, reason: 'FieldValueNotSupported', message: `Unsupported value: "${scheme}": supported values: "http", "https"` }]);
  }
  const query: Record<string, string> = {};
  // The first value of a repeated parameter is the one matched (Gateway API leaves this to implementations).
  for (const [k, v] of parsed.searchParams) if (!(k in query)) query[k] = v;
  return {
    scheme,
    host: parsed.hostname.toLowerCase().replace(/\.$/, ''),
    port: parsed.port ? Number(parsed.port) : scheme === 'https' ? 443 : 80,
    path: parsed.pathname || '/',
    query,
  };
}

/** Older first by metadata.creationTimestamp (objects without one last), then `<ns>/<name>`. */
export function compareByAge(a: { creationTimestamp?: string | undefined; key: string }, b: { creationTimestamp?: string | undefined; key: string }): number {
  const ta = timestampOf(a.creationTimestamp);
  const tb = timestampOf(b.creationTimestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function timestampOf(ts: string | undefined): number {
  if (ts === undefined) return Number.POSITIVE_INFINITY;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}
