import { Injectable } from '@nestjs/common';
import { DomainError, exposureReport, matchGateway, matchIngress, renderExposure, type ExposureReport } from '@switchyard/engine';
import { PolicySnapshots, type LoadedSnapshot } from '../reachability/policy-snapshots';

const revisionOf = PolicySnapshots.revisionOf;

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

  /** Every workload reachable from outside the cluster, by which path, on which ports, from where. */
  async exposure(cluster: string, query: { format?: string; consistent?: boolean }) {
    const format = query.format ?? 'json';
    if (format !== 'json' && format !== 'txt') {
      throw new DomainError('INVALID', 'unsupported format', [{ path: 'format', reason: 'FieldValueNotSupported', message: 'supported values: "json", "txt" (the peer analyzer\'s exposure format)' }]);
    }
    const snapshot = await this.snapshots.load(cluster, { consistent: query.consistent });
    const report = PolicySnapshots.derive(snapshot, 'exposure', (): ExposureReport =>
      exposureReport({ model: snapshot.model, clusterModel: snapshot.clusterModel, settings: snapshot.settings, northSouth: snapshot.northSouth }),
    );
    return { ...revisionOf(snapshot), format, rows: report.rows, text: format === 'txt' ? renderExposure(report, 'txt') : undefined };
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
