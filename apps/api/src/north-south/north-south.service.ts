import { Injectable } from '@nestjs/common';
import { DomainError, matchGateway, matchIngress } from '@switchyard/engine';
import { PolicySnapshots, type LoadedSnapshot } from '../reachability/policy-snapshots';

function revisionOf(snapshot: LoadedSnapshot) {
  return {
    revision: snapshot.revision,
    ...(snapshot.latestRevision !== snapshot.revision ? { latestRevision: snapshot.latestRevision, stale: true } : {}),
  };
}

/** Parses a header list given as `Name: value` strings (query parameters repeat). */
function headersOf(raw: string[] | undefined): Record<string, string> | undefined {
  if (!raw?.length) return undefined;
  const headers: Record<string, string> = {};
  raw.forEach((line, i) => {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new DomainError('INVALID', 'invalid header', [{ path: `header[${i}]`, reason: 'FieldValueInvalid', message: 'expected "Name: value"' }]);
    }
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  });
  return headers;
}

function checkUrl(url: string | undefined): string {
  if (!url) throw new DomainError('INVALID', 'url is required', [{ path: 'url', reason: 'FieldValueRequired', message: 'give the URL as the client sends it, e.g. https://shop.example.com/cart' }]);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new DomainError('INVALID', 'invalid url', [{ path: 'url', reason: 'FieldValueInvalid', message: `"${url}" is not an http(s) URL` }]);
  }
  return url;
}

/** Ingress and Gateway API routing: tables, and which backend serves a URL and why. */
@Injectable()
export class NorthSouthService {
  constructor(private readonly snapshots: PolicySnapshots) {}

  async ingressRoutes(cluster: string, query: { class?: string; consistent?: boolean }) {
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    const tables = snapshot.northSouth.ingress.filter((t) => query.class === undefined || t.class === query.class);
    if (query.class !== undefined && tables.length === 0) {
      throw new DomainError('NOT_FOUND', `ingress class "${query.class}" has no routes`, [{ path: 'class', reason: 'NotFound', message: `no IngressClass "${query.class}" with Ingresses` }]);
    }
    return { ...revisionOf(snapshot), classes: tables };
  }

  async ingressMatch(cluster: string, query: { url?: string; class?: string; consistent?: boolean }) {
    const url = checkUrl(query.url);
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    return { ...revisionOf(snapshot), ...matchIngress(snapshot.northSouth.ingress, { url, ...(query.class ? { class: query.class } : {}) }) };
  }

  async gatewayRoutes(cluster: string, query: { consistent?: boolean }) {
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    return { ...revisionOf(snapshot), ...snapshot.northSouth.gateway };
  }

  async gatewayMatch(cluster: string, query: { url?: string; method?: string; gateway?: string; header?: string[]; consistent?: boolean }) {
    const url = checkUrl(query.url);
    const headers = headersOf(query.header);
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    return {
      ...revisionOf(snapshot),
      ...matchGateway(snapshot.northSouth.gateway, {
        url,
        ...(query.method ? { method: query.method.toUpperCase() } : {}),
        ...(headers ? { headers } : {}),
        ...(query.gateway ? { gateway: query.gateway } : {}),
      }),
    };
  }
}
