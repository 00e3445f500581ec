import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iptablesSavedProbability, kubeProxyProbability, portProtoHash } from './kube-proxy-names';
import { iptablesSaveString, renderIptables } from './render-iptables';
import { routingTable } from './routing-table';
import { syntheticServiceCluster } from './routing-table.bench-fixture';
import { serviceLayer, SMALL_CLUSTER_YAML } from './small-cluster.fixture';

const EXPECTED = readFileSync(path.join(__dirname, 'testdata/small-cluster.iptables.txt'), 'utf8');

/** Go's base32.StdEncoding, written out independently of the renderer's. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe('renderIptables', () => {
  it('renders the small cluster for node-a exactly as the hand-checked iptables-save file, line by line', () => {
    const l = serviceLayer(SMALL_CLUSTER_YAML);
    const got = renderIptables(routingTable(l.services, l.endpoints, l.nodes, 'node-a', { clusterCidr: '10.244.0.0/16' })).split('\n');
    const expected = EXPECTED.split('\n');
    for (let i = 0; i < Math.max(got.length, expected.length); i++) expect(`${i + 1}: ${got[i]}`).toBe(`${i + 1}: ${expected[i]}`);
  });

  it('names chains as kube-proxy does: base32(sha256(servicePortName + protocol))[:16]', () => {
    const hash = (text: string) => base32(createHash('sha256').update(text).digest()).slice(0, 16);
    // default/kubernetes:https is KUBE-SVC-NPX46M4PTMTKRN6Y on every real cluster.
    expect(hash('default/kubernetes:httpstcp')).toBe('NPX46M4PTMTKRN6Y');
    expect(portProtoHash('default/kubernetes:https', 'TCP')).toBe('NPX46M4PTMTKRN6Y');
    expect(EXPECTED).toContain(`KUBE-SVC-${hash('shop/api:httptcp')}`);
    expect(EXPECTED).toContain(`KUBE-SVL-${hash('shop/webtcp')}`);
    expect(EXPECTED).toContain(`:KUBE-SEP-${hash('shop/api:httptcp10.244.2.12:8080')} - [0:0]`);
  });

  it('prints the statistic probabilities as iptables-save does (kube-proxy writes %0.10f of 1/(n−i))', () => {
    expect(kubeProxyProbability(3)).toBe('0.3333333333');
    // lround(0.3333333333 × 2³¹) = 715827883; 715827883 / 2³¹ = 0.333333333489…
    expect(Math.round(0.3333333333 * 2 ** 31)).toBe(715827883);
    expect(iptablesSavedProbability(3)).toBe('0.33333333349');
    expect(iptablesSavedProbability(2)).toBe('0.50000000000');
    expect(iptablesSavedProbability(4)).toBe('0.25000000000');
    // 0.2 × 2³¹ = 429496729.6 → 429496730 → 0.200000000186…
    expect(iptablesSavedProbability(5)).toBe('0.20000000019');
    expect(iptablesSavedProbability(10)).toBe('0.10000000009');
    expect(iptablesSavedProbability(6)).toBe('0.16666666651');
    const lines = EXPECTED.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-RUKNB3TURLFC6SGL') && !l.includes('recent') && !l.includes('MARK-MASQ'));
    expect(lines.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'last')).toEqual(['0.33333333349', '0.50000000000', 'last']);
  });

  it('quotes like xtables_save_string', () => {
    expect(iptablesSaveString('plain-word_1')).toBe('plain-word_1');
    expect(iptablesSaveString('ns/svc:port')).toBe('"ns/svc:port"');
    expect(iptablesSaveString('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('drops per-endpoint comments above 1000 endpoints (large cluster mode), keeping the others', () => {
    const big = syntheticServiceCluster(101, 10);
    const text = renderIptables(routingTable(big.services, big.endpoints, big.nodes, big.nodeName, { clusterCidr: big.clusterCidr }));
    const sepRules = text.split('\n').filter((l) => l.startsWith('-A KUBE-SEP-'));
    expect(sepRules.length).toBeGreaterThan(0);
    expect(sepRules.every((l) => !l.includes('--comment'))).toBe(true);
    expect(text).toMatch(/-A KUBE-SERVICES -d \S+ -p tcp -m comment --comment "\S+ cluster IP"/);
    const small = syntheticServiceCluster(10, 10);
    expect(renderIptables(routingTable(small.services, small.endpoints, small.nodes, small.nodeName, { clusterCidr: small.clusterCidr }))).toMatch(/-A KUBE-SEP-\S+ -s \S+ -m comment/);
  });
});
