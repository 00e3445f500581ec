import { describe, expect, it } from 'vitest';
import { cidrContainsAddress, parseCidr, parseIpAddress } from '../addresses/cidr-blocks';
import { computeClusterModel } from './cluster-model';
import { PodAddressPool } from './pod-addresses';

const inside = (cidr: string, ip: string) => cidrContainsAddress(parseCidr(cidr)!, parseIpAddress(ip)!);

describe('PodAddressPool', () => {
  it('gives unscheduled pods the range after the nodes first, as before', () => {
    const pool = new PodAddressPool('10.244.0.0/16', ['n1', 'n2']);
    expect(inside('10.244.2.0/24', pool.allocate('ns/a', undefined))).toBe(true);
    expect(inside('10.244.0.0/24', pool.allocate('ns/b', 'n1'))).toBe(true);
  });

  it('never throws for 1,000 unscheduled pods: they overflow into ranges no node owns, stably', () => {
    const nodes = [{ name: 'n1', podCidr: '10.244.5.0/24' }, 'n2'];
    const run = (count: number) => {
      const pool = new PodAddressPool('10.244.0.0/16', nodes);
      return Array.from({ length: count }, (_, i) => pool.allocate(`ns/p${i}`, undefined));
    };
    const ips = run(1000);
    expect(new Set(ips).size).toBe(1000);
    // n1 owns 10.244.5.0/24 (its own podCIDR), n2 owns range 1 (its position).
    expect(ips.some((ip) => inside('10.244.5.0/24', ip) || inside('10.244.1.0/24', ip))).toBe(false);
    expect(ips.every((ip) => inside('10.244.0.0/16', ip))).toBe(true);
    // Stable by identity: a pod's address does not depend on how many pods came after it.
    expect(run(600)).toEqual(ips.slice(0, 600));
  });

  it('moves pods of a full node range to the shared pool', () => {
    const pool = new PodAddressPool('10.0.0.0/16', [{ name: 'n1', podCidr: '10.0.0.0/29' }]);
    const ips = Array.from({ length: 20 }, (_, i) => pool.allocate(`ns/p${i}`, 'n1'));
    expect(new Set(ips).size).toBe(20);
    expect(ips.filter((ip) => inside('10.0.0.0/29', ip))).toHaveLength(5);
  });

  it('leaves pods without an address, with a warning, once the whole pod CIDR is taken', () => {
    const pool = new PodAddressPool('10.0.0.0/29', []);
    const ips = Array.from({ length: 8 }, (_, i) => pool.tryAllocate(`ns/p${i}`, undefined));
    expect(ips.filter((ip) => ip !== undefined)).toHaveLength(5);
    expect(pool.warnings).toHaveLength(3);
    expect(pool.warnings[0]).toMatch(/pod CIDR 10\.0\.0\.0\/29 is exhausted/);
    expect(() => pool.allocate('ns/more', undefined)).toThrow(/exhausted/);
  });
});

describe('an exhausted pod CIDR', () => {
  it('leaves pods without an address and says so, instead of failing the computation', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'many', namespace: 'a' },
      spec: { replicas: 20, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } } },
    };
    const model = computeClusterModel([deployment], { podCidr: '10.0.0.0/28', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' });
    expect(model.pods).toHaveLength(20);
    expect(model.pods.filter((p) => p.ips.length === 0).length).toBeGreaterThan(0);
    expect(model.warnings?.[0]).toMatch(/exhausted/);
  });
});
