import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderNftables } from './render-nftables';
import { routingTable } from './routing-table';
import { node, pod, serviceLayer, SMALL_CLUSTER_YAML } from './small-cluster.fixture';

const tableOf = (yaml: string, nodeName = 'node-a') => {
  const l = serviceLayer(yaml);
  return routingTable(l.services, l.endpoints, l.nodes, nodeName, { clusterCidr: '10.244.0.0/16' });
};

/** The `\t<head> {` … `\t}` block of a listing. */
function block(text: string, head: string): string {
  const start = text.indexOf(`\n\t${head} {\n`);
  if (start < 0) throw new Error(`no block ${head}`);
  return text.slice(start + 1, text.indexOf('\n\t}\n', start) + 4);
}

describe('renderNftables', () => {
  const text = renderNftables(tableOf(SMALL_CLUSTER_YAML));

  it('names chains like kube-proxy: HASH-ns/svc/proto/port, HASH = base32(sha256(name))[:8]', () => {
    const hash = (name: string) => {
      const bits = [...createHash('sha256').update(name).digest()].map((b) => b.toString(2).padStart(8, '0')).join('');
      return Array.from({ length: 8 }, (_, i) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(bits.slice(i * 5, i * 5 + 5), 2)]).join('');
    };
    // The name kube-proxy's own documentation shows for the kubernetes service.
    expect(hash('default/kubernetes/tcp/https')).toBe('2QRHZV4L');
    expect(text).toContain('chain service-2QRHZV4L-default/kubernetes/tcp/https {');
    expect(text).toContain(`chain endpoint-${hash('shop/api/tcp/http__10.244.2.11/8080')}-shop/api/tcp/http__10.244.2.11/8080 {`);
  });

  it('dispatches with one verdict-map lookup', () => {
    expect(text.startsWith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n')).toBe(true);
    expect(block(text, 'map service-ips')).toBe(`\tmap service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.0.1 . tcp . 443 : goto service-2QRHZV4L-default/kubernetes/tcp/https,
			     10.96.0.20 . tcp . 80 : goto service-WEZGB4Y6-shop/api/tcp/http,
			     10.96.0.30 . tcp . 80 : goto service-452DNVGS-shop/web/tcp/ }
	}
`);
    expect(block(text, 'map service-nodeports')).toContain('elements = { tcp . 30080 : goto external-452DNVGS-shop/web/tcp/ }');
    expect(block(text, 'chain services')).toBe(`\tchain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
		ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
	}
`);
  });

  it('picks endpoints with numgen, after the affinity checks', () => {
    expect(block(text, 'chain service-WEZGB4Y6-shop/api/tcp/http')).toBe(`\tchain service-WEZGB4Y6-shop/api/tcp/http {
		ip daddr 10.96.0.20 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
		ip saddr @affinity-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080 goto endpoint-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080
		ip saddr @affinity-URLLHKHC-shop/api/tcp/http__10.244.2.11/8080 goto endpoint-URLLHKHC-shop/api/tcp/http__10.244.2.11/8080
		ip saddr @affinity-V5YYQ4KC-shop/api/tcp/http__10.244.2.12/8080 goto endpoint-V5YYQ4KC-shop/api/tcp/http__10.244.2.12/8080
		numgen random mod 3 vmap { 0 : goto endpoint-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080 , 1 : goto endpoint-URLLHKHC-shop/api/tcp/http__10.244.2.11/8080 , 2 : goto endpoint-V5YYQ4KC-shop/api/tcp/http__10.244.2.12/8080 }
	}
`);
    expect(block(text, 'set affinity-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080')).toContain('\t\tflags dynamic,timeout\n\t\ttimeout 3h\n');
    expect(block(text, 'chain endpoint-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080')).toBe(`\tchain endpoint-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080 {
		ip saddr 10.244.1.10 jump mark-for-masquerade
		update @affinity-BM3TFJ2X-shop/api/tcp/http__10.244.1.10/8080 { ip saddr }
		meta l4proto tcp dnat to 10.244.1.10:8080
	}
`);
  });

  it('short-circuits cluster traffic and keeps the client IP under externalTrafficPolicy Local', () => {
    expect(block(text, 'chain external-452DNVGS-shop/web/tcp/')).toBe(`\tchain external-452DNVGS-shop/web/tcp/ {
		ip saddr 10.244.0.0/16 goto service-452DNVGS-shop/web/tcp/ comment "short-circuit pod traffic"
		fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"
		fib saddr type local goto service-452DNVGS-shop/web/tcp/ comment "short-circuit local traffic"
		goto local-452DNVGS-shop/web/tcp/
	}
`);
    expect(block(text, 'chain local-452DNVGS-shop/web/tcp/')).toContain('numgen random mod 1 vmap { 0 : goto endpoint-6ET7ZZMC-shop/web/tcp/__10.244.1.20/8080 }');
  });

  it('rejects services without endpoints and firewalls load-balancer IPs by source range', () => {
    const yaml =
      node('node-a', '172.18.0.2', '10.244.1.0/24') +
      `apiVersion: v1
kind: Service
metadata: { name: empty, namespace: default }
spec: { clusterIP: 10.96.0.40, selector: { app: none }, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: lb, namespace: default }
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.41
  selector: { app: lb }
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{ port: 443, nodePort: 30443 }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.7 }] } }
---
` +
      pod('default', 'lb-1', { app: 'lb' }, '10.244.1.9', 'node-a', []);
    const out = renderNftables(tableOf(yaml));
    expect(block(out, 'map no-endpoint-services')).toContain('elements = { 10.96.0.40 . tcp . 80 comment "default/empty" : goto reject-chain }');
    expect(block(out, 'map firewall-ips')).toContain('elements = { 198.51.100.7 . tcp . 443 : goto firewall-');
    expect(out).toMatch(/\tchain firewall-\w{8}-default\/lb\/tcp\/ \{\n\t\tip saddr != \{ 203\.0\.113\.0\/24 \} drop\n\t\}/);
  });
});
