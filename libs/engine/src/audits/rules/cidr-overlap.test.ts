import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'cidr-overlap';
const node = (name: string, ip: string, podCidr: string) => `apiVersion: v1
kind: Node
metadata: { name: ${name} }
spec: { podCIDR: ${podCidr} }
status: { addresses: [{ type: InternalIP, address: ${ip} }] }
---
`;

describe(RULE, () => {
  it('flags overlapping pod and service CIDRs in the settings, with no objects', () => {
    const findings = findingsOf(RULE, '', { settings: { podCidr: '10.96.0.0/16' } });
    expect(findings).toMatchObject([{ severity: 'critical', objects: [], key: `${RULE}|podCidr=10.96.0.0/16~serviceCidr=10.96.0.0/12` }]);
  });

  it('is resolved with disjoint settings', () => {
    expect(findingsOf(RULE, '', { settings: { podCidr: '10.244.0.0/16' } })).toEqual([]);
  });

  it('flags Nodes whose pod ranges overlap each other or the service CIDR, and node addresses inside cluster ranges', () => {
    const yaml = node('n1', '192.168.1.1', '10.244.0.0/24') + node('n2', '10.244.7.9', '10.244.0.0/23') + node('n3', '192.168.1.3', '10.97.0.0/24');
    expect(findingsOf(RULE, yaml).map((f) => f.key)).toEqual([
      `${RULE}|Node/n1|Node/n2|podCIDR`,
      `${RULE}|Node/n2|address=10.244.7.9`,
      `${RULE}|Node/n3|podCIDR=10.97.0.0/24~serviceCidr`,
    ]);
  });

  it('is resolved once the Nodes get their own ranges on the node network', () => {
    const yaml = node('n1', '192.168.1.1', '10.244.0.0/24') + node('n2', '192.168.1.2', '10.244.1.0/24') + node('n3', '192.168.1.3', '10.244.2.0/24');
    expect(findingsOf(RULE, yaml)).toEqual([]);
  });
});
