import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { endpointsOf, object, service } from '../ingress/routes.fixture';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { intersectHostnames } from './gateway-hostnames';
import { matchGateway } from './gateway-match';
import { gatewayRoutes, type Condition } from './gateway-routes';

const V1 = 'gateway.networking.k8s.io/v1';
const namespace = (name: string, labels: Record<string, string> = {}) => object('Namespace', 'v1', name, undefined, {}, { labels });
const gatewayClass = object('GatewayClass', V1, 'eg', undefined, { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' });
const gateway = (name: string, listeners: unknown[], ns = 'infra') => object('Gateway', V1, name, ns, { gatewayClassName: 'eg', listeners });
const route = (ns: string, name: string, spec: Record<string, unknown>, ts?: string) => object('HTTPRoute', V1, name, ns, { parentRefs: [{ name: 'gw', namespace: 'infra' }], ...spec }, ts ? { creationTimestamp: ts } : {});
const to = (svc: string, extra: Record<string, unknown> = {}) => ({ name: svc, port: 80, ...extra });
const grant = (ns: string, fromNs: string, name?: string) =>
  object('ReferenceGrant', 'gateway.networking.k8s.io/v1beta1', 'allow', ns, { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: fromNs }], to: [{ group: '', kind: 'Service', ...(name ? { name } : {}) }] });

const SERVICES = [
  ...['web', 'v1', 'v2', 'v3', 'a', 'b'].map((n) => service('app', n, [{ name: 'http', port: 80, targetPort: 8080 }])),
  service('data', 'db-api', [{ name: 'http', port: 80 }]),
];
const ENDPOINTS = [endpointsOf('app', 'v1', [{ pod: 'v1-0', ip: '10.244.1.10', ports: { http: 8080 } }]), endpointsOf('app', 'v2', [{ pod: 'v2-0', ip: '10.244.1.20', ports: { http: 8080 } }])];
const NAMESPACES = [namespace('infra'), namespace('app', { team: 'shop', expose: 'yes' }), namespace('data', { team: 'data' }), namespace('other')];

function build(objects: ClusterObjectInput[]) {
  return gatewayRoutes({ objects: [gatewayClass, ...NAMESPACES, ...objects], services: SERVICES, endpoints: ENDPOINTS });
}
const byType = (conditions: Condition[], type: string) => conditions.find((c) => c.type === type);
const accepted = (v: ReturnType<typeof build>, key: string, parent = 0) => byType(v.routes.find((r) => r.key === key)!.parents[parent]!.conditions, 'Accepted');
const resolved = (v: ReturnType<typeof build>, key: string) => byType(v.routes.find((r) => r.key === key)!.parents[0]!.conditions, 'ResolvedRefs');

describe('route attachment (allowedRoutes namespaces and kinds)', () => {
  const listeners = [
    { name: 'same', port: 8001, protocol: 'HTTP' },
    { name: 'all', port: 8002, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'selected', port: 8003, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { expose: 'yes' } } } } },
    { name: 'byname', port: 8004, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } } } },
    { name: 'grpc-only', port: 8005, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'GRPCRoute' }] } },
  ];
  const at = (section: string, ns: string) => object('HTTPRoute', V1, `r-${section}`, ns, { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: section }], rules: [{ backendRefs: [] }] });

  it.each([
    ['same', 'infra', 'True', 'Accepted'],
    ['same', 'app', 'False', 'NotAllowedByListeners'],
    ['all', 'other', 'True', 'Accepted'],
    ['selected', 'app', 'True', 'Accepted'],
    ['selected', 'data', 'False', 'NotAllowedByListeners'],
    ['byname', 'data', 'True', 'Accepted'], // kubernetes.io/metadata.name is always present
    ['byname', 'app', 'False', 'NotAllowedByListeners'],
    ['grpc-only', 'app', 'False', 'NotAllowedByListeners'], // kind not allowed
    ['missing', 'app', 'False', 'NoMatchingParent'], // no such sectionName
  ])('listener %s, route in %s → Accepted %s (%s)', (section, ns, status, reason) => {
    const v = build([gateway('gw', listeners), at(section, ns)]);
    expect(accepted(v, `${ns}/r-${section}`)).toMatchObject({ status, reason });
  });

  it('attachedRoutes counts accepted routes per listener', () => {
    const v = build([gateway('gw', listeners), at('all', 'app'), at('all', 'data'), at('same', 'app')]);
    expect(v.gateways[0]!.listeners.map((l) => [l.name, l.attachedRoutes])).toEqual([['same', 0], ['all', 2], ['selected', 0], ['byname', 0], ['grpc-only', 0]]);
    expect(byType(v.gateways[0]!.conditions, 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(byType(v.gateways[0]!.listeners[0]!.conditions, 'Programmed')).toMatchObject({ status: 'True' });
  });

  it('a parentRef to a missing Gateway is NoMatchingParent; a Gateway without class stays Pending', () => {
    const v = build([object('Gateway', V1, 'orphan', 'infra', { gatewayClassName: 'nope', listeners: [{ name: 'h', port: 80, protocol: 'HTTP' }] }), route('infra', 'r', {})]);
    expect(accepted(v, 'infra/r')).toMatchObject({ status: 'False', reason: 'NoMatchingParent', message: 'Gateway infra/gw not found' });
    expect(byType(v.gateways[0]!.conditions, 'Accepted')).toMatchObject({ status: 'Unknown', reason: 'Pending' });
  });

  it('listener validity: unsupported protocol, HTTPS without certificates, conflicts', () => {
    const v = build([
      gateway('gw', [
        { name: 'tcp', port: 9000, protocol: 'TCP' },
        { name: 'https-nocert', port: 443, protocol: 'HTTPS' },
        { name: 'a', port: 80, protocol: 'HTTP', hostname: 'x.io' },
        { name: 'b', port: 80, protocol: 'HTTP', hostname: 'x.io' },
      ]),
    ]);
    const l = (name: string) => v.gateways[0]!.listeners.find((x) => x.name === name)!.conditions;
    expect(byType(l('tcp'), 'Accepted')).toMatchObject({ status: 'False', reason: 'UnsupportedProtocol' });
    expect(byType(l('https-nocert'), 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef' });
    expect(byType(l('a'), 'Conflicted')).toMatchObject({ status: 'True', reason: 'HostnameConflict' });
    expect(byType(l('b'), 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(byType(v.gateways[0]!.conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'ListenersNotValid' });
  });
});

describe('hostname intersection', () => {
  it.each([
    [undefined, [], ['*']],
    [undefined, ['a.io'], ['a.io']],
    ['a.io', [], ['a.io']],
    ['a.io', ['a.io', 'b.io'], ['a.io']],
    ['*.example.com', ['foo.example.com', 'a.b.example.com', 'example.com'], ['foo.example.com', 'a.b.example.com']],
    ['foo.example.com', ['*.example.com'], ['foo.example.com']],
    ['*.example.com', ['*.com'], ['*.example.com']],
    ['*.example.com', ['*.a.example.com'], ['*.a.example.com']],
    ['x.io', ['y.io'], []],
  ] as Array<[string | undefined, string[], string[]]>)('listener %s × route %j → %j', (listener, route, expected) => {
    expect(intersectHostnames(listener, route)).toEqual(expected);
  });

  it('no intersection → NoMatchingListenerHostname; the intersection is recorded per listener', () => {
    const v = build([
      gateway('gw', [{ name: 'wild', port: 80, protocol: 'HTTP', hostname: '*.shop.io', allowedRoutes: { namespaces: { from: 'All' } } }]),
      route('app', 'miss', { hostnames: ['shop.io'] }),
      route('app', 'hit', { hostnames: ['api.shop.io', 'other.io'] }),
    ]);
    expect(accepted(v, 'app/miss')).toMatchObject({ status: 'False', reason: 'NoMatchingListenerHostname' });
    expect(accepted(v, 'app/hit')).toMatchObject({ status: 'True' });
    expect(v.routes.find((r) => r.key === 'app/hit')!.parents[0]!.listeners).toEqual([{ name: 'wild', hostnames: ['api.shop.io'] }]);
  });
});

describe('backend references', () => {
  const gw = gateway('gw', [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
  const crossNs = route('app', 'cross', { rules: [{ backendRefs: [to('db-api', { namespace: 'data' })] }] });

  it('a backendRef into another namespace without a ReferenceGrant there → RefNotPermitted', () => {
    const v = build([gw, crossNs]);
    expect(resolved(v, 'app/cross')).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(accepted(v, 'app/cross')).toMatchObject({ status: 'True' }); // accepted, but refs do not resolve
  });

  it('a ReferenceGrant in the TARGET namespace permits it; one in the route namespace does not', () => {
    expect(resolved(build([gw, crossNs, grant('data', 'app')]), 'app/cross')).toMatchObject({ status: 'True', reason: 'ResolvedRefs' });
    expect(resolved(build([gw, crossNs, grant('app', 'app')]), 'app/cross')).toMatchObject({ reason: 'RefNotPermitted' });
    expect(resolved(build([gw, crossNs, grant('data', 'other')]), 'app/cross')).toMatchObject({ reason: 'RefNotPermitted' });
    expect(resolved(build([gw, crossNs, grant('data', 'app', 'something-else')]), 'app/cross')).toMatchObject({ reason: 'RefNotPermitted' });
    expect(resolved(build([gw, crossNs, grant('data', 'app', 'db-api')]), 'app/cross')).toMatchObject({ status: 'True' });
  });

  it('a missing Service → BackendNotFound; a non-Service kind → InvalidKind', () => {
    const v = build([gw, route('app', 'gone', { rules: [{ backendRefs: [to('nope')] }] }), route('app', 'kind', { rules: [{ backendRefs: [to('bucket', { group: 'example.io', kind: 'Bucket' })] }] })]);
    expect(resolved(v, 'app/gone')).toMatchObject({ status: 'False', reason: 'BackendNotFound', message: 'service app/nope not found' });
    expect(resolved(v, 'app/kind')).toMatchObject({ status: 'False', reason: 'InvalidKind' });
    expect(v.gateways[0]!.listeners[0]!.attachedRoutes).toBe(2);
  });
});

describe('matchGateway precedence', () => {
  const gw = gateway('gw', [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
  const rule = (match: Record<string, unknown>, svc: string) => ({ matches: [match], backendRefs: [to(svc)] });
  const winner = (objects: ClusterObjectInput[], req: { url: string; method?: string; headers?: Record<string, string> }) => {
    const m = matchGateway(build([gw, ...objects]), req);
    return { m, target: `${m.route}#${m.rule}` };
  };

  it('Exact path beats PathPrefix', () => {
    const { m, target } = winner([route('app', 'r', { rules: [rule({ path: { type: 'PathPrefix', value: '/login' } }, 'a'), rule({ path: { type: 'Exact', value: '/login' } }, 'b')] })], { url: 'http://x.io/login' });
    expect(target).toBe('app/r#1');
    expect(m.candidates).toEqual([{ route: 'app/r', rule: 0, match: 0, lost: 'PathPrefix loses to Exact path /login' }]);
  });

  it('the longest PathPrefix wins; prefixes match whole segments', () => {
    const r = route('app', 'r', { rules: [rule({ path: { type: 'PathPrefix', value: '/' } }, 'a'), rule({ path: { type: 'PathPrefix', value: '/api' } }, 'b')] });
    expect(winner([r], { url: 'http://x.io/api/v1' }).target).toBe('app/r#1');
    expect(winner([r], { url: 'http://x.io/apix' }).target).toBe('app/r#0');
    expect(winner([r], { url: 'http://x.io/api/v1' }).m.candidates[0]!.lost).toBe('shorter path than /api');
  });

  it('then a method match, then most headers, then most query params', () => {
    const r = route('app', 'r', {
      rules: [
        rule({ path: { value: '/p' } }, 'a'),
        rule({ path: { value: '/p' }, method: 'POST' }, 'b'),
        rule({ path: { value: '/p' }, method: 'POST', headers: [{ name: 'x-env', value: 'canary' }] }, 'v1'),
        rule({ path: { value: '/p' }, method: 'POST', headers: [{ name: 'x-env', value: 'canary' }], queryParams: [{ name: 'debug', value: '1' }] }, 'v2'),
      ],
    });
    expect(winner([r], { url: 'http://x.io/p' }).target).toBe('app/r#0');
    expect(winner([r], { url: 'http://x.io/p', method: 'post' }).target).toBe('app/r#1');
    expect(winner([r], { url: 'http://x.io/p', method: 'POST', headers: { 'X-Env': 'canary' } }).target).toBe('app/r#2');
    const { m, target } = winner([r], { url: 'http://x.io/p?debug=1', method: 'POST', headers: { 'x-env': 'canary' } });
    expect(target).toBe('app/r#3');
    expect(m.candidates.map((c) => c.lost)).toEqual(['fewer query param matches (0 < 1)', 'fewer header matches (0 < 1)', 'no method match (the winner matches POST)']);
    expect(winner([r], { url: 'http://x.io/p', method: 'POST', headers: { 'x-env': 'prod' } }).m.candidates.find((c) => c.rule === 2)!.lost).toBe('header x-env: expected "canary", got "prod"');
  });

  it('ties go to the oldest route, then <ns>/<name>, then rule order', () => {
    const same = (ns: string, name: string, ts?: string) => route(ns, name, { rules: [rule({}, 'a'), rule({}, 'b')] }, ts);
    const older = winner([same('app', 'newer', '2024-02-01T00:00:00Z'), same('app', 'older', '2024-01-01T00:00:00Z')], { url: 'http://x.io/' });
    expect(older.target).toBe('app/older#0');
    expect(older.m.candidates.map((c) => `${c.route}#${c.rule}: ${c.lost}`)).toEqual([
      'app/older#1: later rule (1) than rule 0 of the same route',
      'app/newer#0: newer route than app/older (creationTimestamp 2024-02-01T00:00:00Z vs 2024-01-01T00:00:00Z)',
      'app/newer#1: newer route than app/older (creationTimestamp 2024-02-01T00:00:00Z vs 2024-01-01T00:00:00Z)',
    ]);
    const byName = winner([same('zz', 'a', '2024-01-01T00:00:00Z'), same('aa', 'z', '2024-01-01T00:00:00Z')], { url: 'http://x.io/' });
    expect(byName.target).toBe('aa/z#0');
    expect(byName.m.candidates.find((c) => c.route === 'zz/a')!.lost).toBe('equal precedence and age: aa/z sorts first');
  });

  it('an exact route hostname beats a wildcard one', () => {
    const m = matchGateway(build([gw, route('app', 'wild', { hostnames: ['*.x.io'], rules: [rule({ path: { type: 'Exact', value: '/a' } }, 'a')] }), route('app', 'exact', { hostnames: ['api.x.io'], rules: [rule({}, 'b')] })]), { url: 'http://api.x.io/a' });
    expect(m.route).toBe('app/exact');
    expect(m.candidates[0]!.lost).toBe('hostname *.x.io is less specific than api.x.io');
  });

  it('RegularExpression matches are unsupported and said so', () => {
    const m = matchGateway(build([gw, route('app', 'r', { rules: [rule({ path: { type: 'RegularExpression', value: '/a.*' } }, 'a')] })]), { url: 'http://x.io/abc' });
    expect(m.matched).toBe(false);
    expect(m.candidates[0]!.lost).toContain('RegularExpression path matches are implementation-specific');
  });

  it('routes not attached to the listener are candidates that say why', () => {
    const v = build([gateway('gw', [{ name: 'http', port: 80, protocol: 'HTTP' }]), route('app', 'r', { rules: [rule({}, 'a')] })]);
    const m = matchGateway(v, { url: 'http://x.io/' });
    expect(m).toMatchObject({ matched: false, gateway: 'infra/gw', listener: 'http' });
    expect(m.candidates[0]!.lost).toMatch(/^not attached: NotAllowedByListeners/);
  });
});

describe('matchGateway backends, listeners and gateways', () => {
  const gw = gateway('gw', [
    { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    { name: 'admin', port: 80, protocol: 'HTTP', hostname: 'admin.x.io', allowedRoutes: { namespaces: { from: 'All' } } },
  ]);

  it('splits traffic by weight; weight 0 sends none; endpoints are listed per backend', () => {
    const v = build([gw, route('app', 'canary', { rules: [{ backendRefs: [to('v1', { weight: 90 }), to('v2', { weight: 10 }), to('v3', { weight: 0 })] }] })]);
    const m = matchGateway(v, { url: 'http://x.io/' });
    expect(m.backends.map((b) => [b.service, b.weight, b.share])).toEqual([['v1', 90, 0.9], ['v2', 10, 0.1], ['v3', 0, 0]]);
    expect(m.backends[0]!.endpoints).toEqual([{ pod: 'app/v1-0', ip: '10.244.1.10', port: 8080, ready: true }]);
    expect(m.backends[2]!.endpoints).toEqual([]);
  });

  it('weight defaults to 1; all weights 0 → no traffic', () => {
    const v = build([gw, route('app', 'even', { rules: [{ backendRefs: [to('v1'), to('v2')] }] }), route('app', 'none', { hostnames: ['none.io'], rules: [{ backendRefs: [to('v1', { weight: 0 })] }] })]);
    expect(matchGateway(v, { url: 'http://x.io/' }).backends.map((b) => b.share)).toEqual([0.5, 0.5]);
    const none = matchGateway(v, { url: 'http://none.io/' });
    expect(none.backends[0]!.share).toBe(0);
    expect(none.notes).toContain('every backendRef has weight 0: requests get HTTP 500');
  });

  it('an invalid backend keeps its share, served as HTTP 500', () => {
    const m = matchGateway(build([gw, route('app', 'r', { rules: [{ backendRefs: [to('v1'), to('nope')] }] })]), { url: 'http://x.io/' });
    expect(m.backends[1]).toMatchObject({ share: 0.5, problem: 'BackendNotFound: service app/nope not found' });
    expect(m.notes).toContain('invalid backend: its 50% of requests get HTTP 500');
  });

  it('the most specific listener hostname takes the request', () => {
    const v = build([gw, route('app', 'admin', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'admin' }], rules: [{ backendRefs: [to('a')] }] }), route('app', 'all', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }], rules: [{ backendRefs: [to('b')] }] })]);
    expect(matchGateway(v, { url: 'http://admin.x.io/' })).toMatchObject({ listener: 'admin', route: 'app/admin' });
    expect(matchGateway(v, { url: 'http://www.x.io/' })).toMatchObject({ listener: 'http', route: 'app/all' });
    expect(matchGateway(v, { url: 'http://www.x.io:8080/' })).toMatchObject({ matched: false, reason: 'no Gateway listens for http on port 8080 for host www.x.io' });
  });

  it('several Gateways for one URL: the request must name one; the view survives JSON', () => {
    const v = build([gw, gateway('gw2', [{ name: 'http', port: 80, protocol: 'HTTP' }]), route('app', 'r', { rules: [{ backendRefs: [to('v1')] }] })]);
    expect(() => matchGateway(v, { url: 'http://x.io/' })).toThrow(DomainError);
    const copy = JSON.parse(JSON.stringify(v));
    expect(copy).toEqual(v);
    expect(matchGateway(copy, { url: 'http://x.io/', gateway: 'infra/gw' })).toMatchObject({ matched: true, route: 'app/r' });
    expect(() => matchGateway(v, { url: 'http://x.io/', gateway: 'infra/none' })).toThrow(/not found/);
  });
});
