/**
 * Gateway API hostnames. Unlike Ingress, a wildcard `*.example.com` matches any number of extra
 * labels (`a.example.com`, `a.b.example.com`) but never `example.com` itself (Gateway API spec,
 * Listener.hostname and HTTPRoute.hostnames).
 */
export function gatewayHostMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/**
 * The hostnames a route serves on a listener: the intersection of the listener hostname and the
 * route hostnames, keeping the more specific side of each overlapping pair. `['*']` means every host
 * (neither side restricts); `[]` means no intersection (the route does not attach).
 */
export function intersectHostnames(listener: string | undefined, route: readonly string[]): string[] {
  if (listener === undefined) return route.length === 0 ? ['*'] : [...route];
  if (route.length === 0) return [listener];
  const out: string[] = [];
  for (const h of route) {
    if (gatewayHostMatches(listener, h) || listener === h) out.push(h);
    else if (gatewayHostMatches(h, listener)) out.push(listener);
  }
  return [...new Set(out)];
}

/**
 * Specificity of a matching hostname, larger first: characters of a non-wildcard name, then
 * characters of the name (HTTPRoute hostnames precedence in the Gateway API spec).
 */
export function hostnameSpecificity(hostname: string): [number, number] {
  if (hostname === '*') return [0, 0];
  return [hostname.startsWith('*.') ? 0 : hostname.length, hostname.length];
}
