import { describe, expect, it } from 'vitest';
import { policyModelOf } from '../policy/cluster-policy-model';
import { dnsRecords } from '../services/dns-records';
import { objectsFromYaml, pod } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import { diagnose, type Diagnosis } from './diagnose';

const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

const svc = (ns: string, name: string, ip: string, selector: Record<string, string>, targetPort: string | number, portName = 'http') => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  clusterIP: ${ip}
  selector: ${JSON.stringify(selector)}
  ports: [{ name: ${portName}, port: 80, targetPort: ${targetPort} }]
---
`;

const BASE =
  `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Namespace
metadata: { name: kube-system }
---
apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system }
spec:
  clusterIP: 10.96.0.10
  selector: { k8s-app: kube-dns }
  ports: [{ name: dns, port: 53, protocol: UDP }]
---
` +
  svc('shop', 'api', '10.96.0.20', { app: 'api' }, 'http') +
  svc('shop', 'ghost', '10.96.0.21', { app: 'ghost' }, 8080) +
  svc('shop', 'sleepy', '10.96.0.22', { app: 'sleepy' }, 8080) +
  svc('shop', 'metrics', '10.96.0.23', { app: 'api' }, 'metrics') +
  pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, '10.244.1.2', 'node-a', [{ name: 'dns', port: 53, protocol: 'UDP' }]) +
  pod('shop', 'web', { app: 'web' }, '10.244.1.10', 'node-a', [{ port: 80 }]) +
  pod('shop', 'api-1', { app: 'api' }, '10.244.1.11', 'node-a', [{ name: 'http', port: 8080 }]) +
  pod('shop', 'sleepy-1', { app: 'sleepy' }, '10.244.1.12', 'node-a', [{ port: 8080 }], false);

const DENY_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }]
      ports: [{ port: 53, protocol: UDP }]
---
`;

const DENY_INGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
---
`;

function run(to: string, extra = '', options: { port?: number | string; cni?: string; base?: string } = {}): Diagnosis {
  const settings = { ...SETTINGS, cni: options.cni ?? 'calico' };
  const clusterModel = computeClusterModel(objectsFromYaml((options.base ?? BASE) + extra), settings);
  const policy = policyModelOf(clusterModel, settings);
  const records = dnsRecords({ services: clusterModel.services, endpoints: clusterModel.endpoints, pods: clusterModel.pods, clusterDomain: settings.clusterDomain });
  const web = clusterModel.pods.find((p) => p.name === 'web')!;
  return diagnose({ clusterModel, policy, records, settings, from: { pod: web }, to, ...(options.port !== undefined ? { port: options.port } : {}) });
}

const status = (d: Diagnosis) => Object.fromEntries(d.steps.map((s) => [s.step, s.status]));
const stepOf = (d: Diagnosis, name: string) => d.steps.find((s) => s.step === name)!;

describe('diagnose: the triage of "why can\'t A reach B?"', () => {
  it('passing path: every step passes, in order, with confirming commands', () => {
    const d = run('api');
    expect(d.steps.map((s) => s.step)).toEqual(['dns', 'service', 'endpoints', 'egress-policy', 'ingress-policy', 'cni']);
    expect(status(d)).toEqual({ dns: 'pass', service: 'pass', endpoints: 'pass', 'egress-policy': 'pass', 'ingress-policy': 'pass', cni: 'pass' });
    expect(d.verdict).toBe('reachable');
    expect(d.firstFailure).toBeUndefined();
    expect(stepOf(d, 'dns').summary).toContain('10.96.0.20');
    expect(stepOf(d, 'dns').commands).toContain('kubectl exec -n shop web -- nslookup api');
    expect(stepOf(d, 'endpoints').commands).toContain('kubectl get endpoints api -n shop');
    expect(stepOf(d, 'endpoints').commands).toContain('kubectl get endpointslices -n shop -l kubernetes.io/service-name=api -o wide');
  });

  it('dns: NXDOMAIN for a short name of another namespace, with the fix', () => {
    const d = run('billing', `apiVersion: v1
kind: Namespace
metadata: { name: pay }
---
` + svc('pay', 'billing', '10.96.0.40', { app: 'billing' }, 8080));
    expect(d.firstFailure).toBe('dns');
    expect(d.verdict).toBe('unreachable');
    expect(stepOf(d, 'dns').summary).toContain('NXDOMAIN');
    expect(stepOf(d, 'dns').fix).toContain('billing.pay');
    expect(status(d)['service']).toBe('skipped');
  });

  it('service: no such service', () => {
    const d = run('svc/shop/nope');
    expect(d.firstFailure).toBe('service');
    expect(stepOf(d, 'service').summary).toBe('no service shop/nope');
    expect(stepOf(d, 'service').commands).toContain('kubectl get services -n shop');
  });

  it('service: the selector matches no pod', () => {
    const d = run('svc/shop/ghost');
    expect(d.firstFailure).toBe('service');
    expect(stepOf(d, 'service').summary).toContain('selector app=ghost matches no pod in shop');
    expect(stepOf(d, 'service').commands).toContain('kubectl get pods -n shop -l app=ghost --show-labels');
  });

  it('endpoints: none ready', () => {
    const d = run('sleepy.shop');
    expect(d.firstFailure).toBe('endpoints');
    expect(stepOf(d, 'endpoints').summary).toContain('not ready');
    expect(stepOf(d, 'endpoints').evidence['notReady']).toEqual(['shop/sleepy-1']);
  });

  it('endpoints: the targetPort name is declared by no pod', () => {
    const d = run('10.96.0.23');
    expect(status(d)['dns']).toBe('skipped');
    expect(d.firstFailure).toBe('endpoints');
    expect(stepOf(d, 'endpoints').summary).toContain('no container port named "metrics"');
    expect(stepOf(d, 'endpoints').fix).toContain('targetPort');
  });

  it('egress-policy: the source is isolated and no rule allows it', () => {
    const d = run('api', DENY_EGRESS);
    expect(d.firstFailure).toBe('egress-policy');
    const egress = stepOf(d, 'egress-policy');
    expect(egress.summary).toContain('no egress rule of policies [shop/web-egress]');
    expect(egress.fix).toContain('add an egress rule to shop/web-egress');
    expect(egress.fix).toContain('TCP 8080');
    expect(egress.commands).toContain('kubectl describe networkpolicy -n shop web-egress');
  });

  it('ingress-policy: the endpoint is isolated and nothing admits the source', () => {
    const d = run('svc/shop/api', DENY_INGRESS);
    expect(status(d)['egress-policy']).toBe('pass');
    expect(d.firstFailure).toBe('ingress-policy');
    expect(stepOf(d, 'ingress-policy').fix).toContain('add an ingress rule to shop/default-deny allowing TCP 8080 from pods app=web in namespace shop');
    expect(stepOf(d, 'ingress-policy').commands).toContain('kubectl describe networkpolicy -n shop default-deny');
  });

  it('cni: flannel does not enforce: the policy denial is a warning and the verdict is effective', () => {
    const d = run('api', DENY_INGRESS, { cni: 'flannel' });
    expect(status(d)['cni']).toBe('warn');
    expect(status(d)['ingress-policy']).toBe('warn');
    expect(stepOf(d, 'ingress-policy').summary).toContain('does not enforce');
    expect(d.firstFailure).toBeUndefined();
    expect(d.verdict).toBe('reachable');
    expect(d.summary).toContain('flannel does not enforce');
  });

  it('a pod target skips DNS and the Service and judges the pod directly', () => {
    const d = run('shop/api-1', DENY_INGRESS, { port: 8080 });
    expect(status(d)).toMatchObject({ dns: 'skipped', service: 'skipped', endpoints: 'pass', 'ingress-policy': 'fail' });
  });

  it('the service port must exist', () => {
    const d = run('svc/shop/api', '', { port: 443 });
    expect(d.firstFailure).toBe('service');
    expect(stepOf(d, 'service').summary).toContain('has no port 443');
  });

  describe('dns: the lookup is a connection to the cluster DNS, judged as the egress-without-dns audit judges it', () => {
    const ONLY_API = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress: [{ to: [{ podSelector: { matchLabels: { app: api } } }], ports: [{ port: 8080 }] }]
---
`;
    const WITH_DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - { to: [{ podSelector: { matchLabels: { app: api } } }], ports: [{ port: 8080 }] }
    - { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }], ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }] }
---
`;

    it('fails when an egress-isolated source may not send UDP or TCP 53 to the kube-dns endpoints', () => {
      const d = run('api', ONLY_API);
      expect(d.firstFailure).toBe('dns');
      expect(d.verdict).toBe('unreachable');
      const dns = stepOf(d, 'dns');
      expect(dns.status).toBe('fail');
      expect(dns.summary).toContain('may not send UDP 53 or TCP 53 to the endpoints of kube-system/kube-dns');
      expect(dns.evidence['dnsEgress']).toEqual({ blocked: ['UDP', 'TCP'], isolatedBy: ['shop/web-egress'], dnsDestination: 'the endpoints of kube-system/kube-dns' });
      expect(dns.fix).toContain('Add to the egress rules of shop/web-egress');
      expect(dns.fix).toContain('{ protocol: TCP, port: 53 }');
      expect(dns.commands).toContain('kubectl describe networkpolicy -n shop web-egress');
      // The later steps still say what the answer would reach.
      expect(status(d)).toMatchObject({ service: 'pass', endpoints: 'pass', 'egress-policy': 'pass' });
    });

    it('fails as well when kube-dns has no endpoints (the default cluster), against a hypothetical CoreDNS pod', () => {
      const base = BASE.replace(/apiVersion: v1\nkind: Pod\nmetadata:\n  name: coredns\n[\s\S]*?---\n/, '');
      expect(base).not.toContain('coredns');
      const d = run('api', ONLY_API, { base });
      expect(d.firstFailure).toBe('dns');
      expect(stepOf(d, 'dns').summary).toContain('none exist: judged against a hypothetical CoreDNS pod');
      expect(run('api', WITH_DNS, { base }).steps.find((x) => x.step === 'dns')!.status).toBe('pass');
    });

    it('passes when UDP and TCP 53 are allowed; warns when only TCP is blocked', () => {
      const d = run('api', WITH_DNS);
      expect(status(d)).toMatchObject({ dns: 'pass', 'egress-policy': 'pass' });
      expect(d.verdict).toBe('reachable');
      const unenforced = run('api', ONLY_API, { cni: 'flannel' });
      expect(stepOf(unenforced, 'dns')).toMatchObject({ status: 'warn', summary: expect.stringContaining('does not enforce') });
      expect(unenforced.firstFailure).toBeUndefined();
      const udpOnly = run('api', DENY_EGRESS);
      expect(stepOf(udpOnly, 'dns').status).toBe('warn');
      expect(stepOf(udpOnly, 'dns').summary).toContain('may not send TCP 53');
    });
  });
});
