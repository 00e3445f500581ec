import { describe, expect, it } from 'vitest';
import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests, type ManifestObject } from '../manifests/validate-manifests';
import { allocateAddresses, allocationsOfService, type StoredAllocations } from './service-ipam';

const SETTINGS = { serviceCidr: '10.96.0.0/12', podCidr: '10.244.0.0/16', nodePortRange: '30000-32767' };
const NONE: StoredAllocations = { services: [], nodes: [] };
const objects = (yaml: string): ManifestObject[] => validateManifests(parseManifestBody(yaml, 'yaml')).objects;
const service = (name: string, spec: string, ns = 'shop') =>
  `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: ${spec}\n---\n`;
const spec = (o: ManifestObject) => o.spec as { clusterIP?: string; clusterIPs?: string[]; ports: { nodePort?: number }[] };

describe('ClusterIP allocation', () => {
  it('gives the first address to kubernetes, the tenth to kube-dns, and stable in-range ones to others', () => {
    const result = allocateAddresses(
      objects(service('kubernetes', '{ ports: [{ name: https, port: 443 }] }', 'default') + service('kube-dns', '{ ports: [{ port: 53, protocol: UDP }] }', 'kube-system') + service('api', '{ ports: [{ port: 80 }] }')),
      NONE,
      SETTINGS,
    );
    expect(result.errors).toEqual([]);
    const [kubernetes, dns, api] = result.objects.map(spec);
    expect(kubernetes!.clusterIP).toBe('10.96.0.1');
    expect(dns!.clusterIP).toBe('10.96.0.10');
    expect(api!.clusterIPs).toEqual([api!.clusterIP]);
    expect(api!.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(api!.clusterIP).not.toBe('10.96.0.1');
    // The same service gets the same address whatever else is allocated.
    const again = allocateAddresses(objects(service('other', '{ ports: [{ port: 1 }] }') + service('api', '{ ports: [{ port: 80 }] }')), NONE, SETTINGS);
    expect(spec(again.objects[1]!).clusterIP).toBe(api!.clusterIP);
  });

  it('honours a requested address in range and free, and names the clash otherwise', () => {
    const stored: StoredAllocations = { services: [allocationsOfService('shop', 'db', { clusterIP: '10.96.5.5', ports: [] })], nodes: [] };
    const ok = allocateAddresses(objects(service('api', '{ clusterIP: 10.96.7.7, ports: [{ port: 80 }] }')), stored, SETTINGS);
    expect(ok.errors).toEqual([]);
    expect(spec(ok.objects[0]!).clusterIP).toBe('10.96.7.7');
    const clash = allocateAddresses(objects(service('api', '{ clusterIP: 10.96.5.5, ports: [{ port: 80 }] }')), stored, SETTINGS);
    expect(clash.errors).toEqual([expect.objectContaining({ path: 'spec.clusterIP', message: expect.stringContaining('shop/db') })]);
    const outside = allocateAddresses(objects(service('api', '{ clusterIP: 10.0.0.7, ports: [{ port: 80 }] }')), NONE, SETTINGS);
    expect(outside.errors[0]).toMatchObject({ path: 'spec.clusterIP', message: expect.stringContaining('10.96.0.0/12') });
    const dnsAddress = allocateAddresses(objects(service('sneaky', '{ clusterIP: 10.96.0.10, ports: [{ port: 53 }] }')), NONE, SETTINGS);
    expect(dnsAddress.errors[0]!.message).toContain('kube-system/kube-dns');
  });

  it('keeps the address across re-applies, and refuses to change it', () => {
    const stored: StoredAllocations = { services: [allocationsOfService('shop', 'api', { clusterIP: '10.96.3.3', ports: [] })], nodes: [] };
    const reapplied = allocateAddresses(objects(service('api', '{ ports: [{ port: 80 }] }')), stored, SETTINGS);
    expect(spec(reapplied.objects[0]!).clusterIP).toBe('10.96.3.3');
    const changed = allocateAddresses(objects(service('api', '{ clusterIP: 10.96.4.4, ports: [{ port: 80 }] }')), stored, SETTINGS);
    expect(changed.errors[0]).toMatchObject({ path: 'spec.clusterIP', message: expect.stringContaining('immutable') });
  });

  it('allocates nothing for headless and ExternalName services', () => {
    const result = allocateAddresses(objects(service('h', '{ clusterIP: None, ports: [{ port: 80 }] }') + service('x', '{ type: ExternalName, externalName: db.example.com }')), NONE, SETTINGS);
    expect(result.errors).toEqual([]);
    expect(spec(result.objects[0]!).clusterIP).toBe('None');
    expect(spec(result.objects[1]!).clusterIP).toBeUndefined();
  });

  it('reports exhaustion of a small service CIDR as such', () => {
    const small = { ...SETTINGS, serviceCidr: '10.96.0.0/29' };
    // /29: 6 usable, of which .1 and… the tenth is outside; 5 left after kubernetes.
    const many = Array.from({ length: 7 }, (_, i) => service(`s${i}`, '{ ports: [{ port: 80 }] }')).join('');
    const result = allocateAddresses(objects(many), NONE, small);
    expect(result.exhausted).toBe(true);
    expect(result.errors.at(-1)!.message).toMatch(/no free address/);
  });
});

describe('NodePort allocation', () => {
  it('allocates in range, keeps on re-apply, and rejects out-of-range or taken ports', () => {
    const first = allocateAddresses(objects(service('web', '{ type: NodePort, ports: [{ name: http, port: 80 }, { name: https, port: 443 }] }')), NONE, SETTINGS);
    expect(first.errors).toEqual([]);
    const ports = spec(first.objects[0]!).ports.map((p) => p.nodePort!);
    expect(ports.every((p) => p >= 30000 && p <= 32767)).toBe(true);
    expect(new Set(ports).size).toBe(2);
    const stored: StoredAllocations = { services: [allocationsOfService('shop', 'web', first.objects[0]!.spec)], nodes: [] };
    const again = allocateAddresses(objects(service('web', '{ type: NodePort, ports: [{ name: http, port: 80 }, { name: https, port: 443 }] }')), stored, SETTINGS);
    expect(spec(again.objects[0]!).ports.map((p) => p.nodePort)).toEqual(ports);
    const taken = allocateAddresses(objects(service('other', `{ type: NodePort, ports: [{ port: 81, nodePort: ${ports[0]} }] }`)), stored, SETTINGS);
    expect(taken.errors[0]).toMatchObject({ path: 'spec.ports[0].nodePort', message: expect.stringContaining('shop/web') });
    const outside = allocateAddresses(objects(service('other', '{ type: NodePort, ports: [{ port: 81, nodePort: 8080 }] }')), NONE, SETTINGS);
    expect(outside.errors[0]).toMatchObject({ path: 'spec.ports[0].nodePort', message: expect.stringContaining('30000-32767') });
  });
});

describe('node pod ranges', () => {
  it('gives each node a distinct /24 of the pod CIDR, stable across writes', () => {
    const nodes = objects('apiVersion: v1\nkind: Node\nmetadata: { name: n1 }\n---\napiVersion: v1\nkind: Node\nmetadata: { name: n2 }\n');
    const result = allocateAddresses(nodes, NONE, SETTINGS);
    const cidrs = result.objects.map((o) => (o.spec as { podCIDR: string }).podCIDR);
    expect(cidrs.every((c) => /^10\.244\.\d+\.0\/24$/.test(c))).toBe(true);
    expect(new Set(cidrs).size).toBe(2);
    const again = allocateAddresses([nodes[1]!], { services: [], nodes: [{ name: 'n1', podCidr: cidrs[0] }, { name: 'n2', podCidr: cidrs[1] }] }, SETTINGS);
    expect((again.objects[0]!.spec as { podCIDR: string }).podCIDR).toBe(cidrs[1]);
  });
});

describe('imported state (reallocate on conflict)', () => {
  it('replaces clashing or out-of-range addresses and says so on the object', () => {
    const stored: StoredAllocations = { services: [allocationsOfService('shop', 'db', { clusterIP: '10.96.5.5', ports: [] })], nodes: [] };
    const result = allocateAddresses(
      objects(service('api', '{ clusterIP: 10.96.5.5, ports: [{ port: 80 }] }') + service('web', '{ type: NodePort, clusterIP: 172.30.0.9, ports: [{ port: 80, nodePort: 80 }] }')),
      stored,
      SETTINGS,
      { onConflict: 'reallocate' },
    );
    expect(result.errors).toEqual([]);
    const [api, web] = result.objects;
    expect(spec(api!).clusterIP).not.toBe('10.96.5.5');
    expect(api!.warnings?.[0]).toMatchObject({ path: 'spec.clusterIP', message: expect.stringContaining('shop/db') });
    expect(spec(web!).clusterIP).toMatch(/^10\./);
    expect(spec(web!).ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(web!.warnings?.map((w) => w.path)).toEqual(['spec.clusterIP', 'spec.ports[0].nodePort']);
  });
});
