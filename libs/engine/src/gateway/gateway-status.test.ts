import { describe, expect, it } from 'vitest';
import { object, service } from '../ingress/routes.fixture';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { gatewayRoutes, type Condition, type GatewayRoutes } from './gateway-routes';

const V1 = 'gateway.networking.k8s.io/v1';
const GROUP = 'gateway.networking.k8s.io';
const HTTP_ROUTE = { group: GROUP, kind: 'HTTPRoute' };
const gatewayClass = (name: string, spec: Record<string, unknown> = {}) => object('GatewayClass', V1, name, undefined, { controllerName: 'example.com/gateway', ...spec });
const gateway = (name: string, listeners: unknown[], spec: Record<string, unknown> = {}) => object('Gateway', V1, name, 'infra', { gatewayClassName: 'gc', listeners, ...spec });
const http = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 80, protocol: 'HTTP', ...extra });
const https = (name: string, certificateRefs: unknown[], extra: Record<string, unknown> = {}) => ({ name, port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs }, ...extra });
const route = (name: string, sectionName?: string) => object('HTTPRoute', V1, name, 'infra', { parentRefs: [{ name: 'gw', ...(sectionName ? { sectionName } : {}) }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] });
const secretGrant = (ns: string, fromNs: string) => object('ReferenceGrant', V1, 'certs', ns, { from: [{ group: GROUP, kind: 'Gateway', namespace: fromNs }], to: [{ group: '', kind: 'Secret' }] });

function build(objects: ClusterObjectInput[], classes: ClusterObjectInput[] = [gatewayClass('gc')]): GatewayRoutes {
  return gatewayRoutes({ objects: [...classes, ...objects], services: [service('infra', 'web', [{ name: 'http', port: 80 }])], endpoints: [] });
}
const byType = (conditions: Condition[], type: string) => conditions.find((c) => c.type === type);
const gw = (v: GatewayRoutes, name = 'gw') => v.gateways.find((g) => g.name === name)!;
const listener = (v: GatewayRoutes, name: string, gateway = 'gw') => gw(v, gateway).listeners.find((l) => l.name === name)!;
const status = (conditions: Condition[]) => Object.fromEntries(conditions.map((c) => [c.type, `${c.status} ${c.reason}`]));

describe('GatewayClass Accepted', () => {
  it('a class with a domain-prefixed controllerName is Accepted; classes are listed by name', () => {
    const v = build([], [gatewayClass('zz'), gatewayClass('gc')]);
    expect(v.gatewayClasses!.map((c) => c.name)).toEqual(['gc', 'zz']);
    expect(v.gatewayClasses![0]).toMatchObject({ name: 'gc', controllerName: 'example.com/gateway', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }] });
  });

  it.each([
    ['', 'controllerName is empty'],
    ['gateway-controller', 'not a domain-prefixed path'],
    ['Example.com/gw', 'not a domain-prefixed path'],
  ])('controllerName %j → Accepted False (Invalid)', (controllerName, message) => {
    const [c] = build([], [gatewayClass('gc', { controllerName })]).gatewayClasses!;
    expect(byType(c!.conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'Invalid', message: expect.stringContaining(message) });
  });

  it('a parametersRef to a stored kind must exist and be scoped right → InvalidParameters', () => {
    const svc = object('Service', 'v1', 'params', 'infra', {});
    const accepted = (parametersRef: Record<string, unknown>, objects: ClusterObjectInput[] = []) => byType(build(objects, [gatewayClass('gc', { parametersRef })]).gatewayClasses![0]!.conditions, 'Accepted');
    expect(accepted({ group: '', kind: 'Service', name: 'params', namespace: 'infra' }, [svc])).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(accepted({ group: '', kind: 'Service', name: 'params', namespace: 'infra' })).toMatchObject({ status: 'False', reason: 'InvalidParameters', message: 'parametersRef Service infra/params not found' });
    expect(accepted({ group: '', kind: 'Service', name: 'params' }, [svc])).toMatchObject({ status: 'False', reason: 'InvalidParameters', message: expect.stringContaining('namespace is required') });
    expect(accepted({ group: '', kind: 'Namespace', name: 'infra', namespace: 'infra' }, [object('Namespace', 'v1', 'infra', undefined, {})])).toMatchObject({ status: 'False', reason: 'InvalidParameters', message: expect.stringContaining('must be unset') });
  });

  it('a parametersRef to a kind this model does not store (ConfigMap, CRDs) is not checked, and says so', () => {
    const [c] = build([], [gatewayClass('gc', { parametersRef: { group: '', kind: 'ConfigMap', name: 'cfg', namespace: 'infra' } })]).gatewayClasses!;
    expect(byType(c!.conditions, 'Accepted')).toMatchObject({ status: 'True', reason: 'Accepted', message: expect.stringContaining('not checked') });
  });
});

describe('Gateway Accepted and Programmed', () => {
  it('valid listeners → Accepted (Accepted), Programmed (Programmed)', () => {
    expect(status(gw(build([gateway('gw', [http('http')])])).conditions)).toEqual({ Accepted: 'True Accepted', Programmed: 'True Programmed' });
  });

  it('some listeners invalid → Accepted True with ListenersNotValid; none valid → Accepted False', () => {
    const mixed = gw(build([gateway('gw', [http('http'), { name: 'tcp', port: 9000, protocol: 'TCP' }])]));
    expect(status(mixed.conditions)).toEqual({ Accepted: 'True ListenersNotValid', Programmed: 'True Programmed' });
    expect(byType(mixed.conditions, 'Accepted')!.message).toContain('listeners not valid: tcp');
    const none = gw(build([gateway('gw', [{ name: 'tcp', port: 9000, protocol: 'TCP' }])]));
    expect(status(none.conditions)).toEqual({ Accepted: 'False ListenersNotValid', Programmed: 'False Invalid' });
  });

  it('a missing GatewayClass: nobody reconciles, so the API defaults stay (Unknown, Pending)', () => {
    const v = build([gateway('gw', [http('http')], { gatewayClassName: 'nope' })]);
    expect(status(gw(v).conditions)).toEqual({ Accepted: 'Unknown Pending', Programmed: 'Unknown Pending' });
    expect(status(listener(v, 'http').conditions)).toEqual({ Accepted: 'Unknown Pending', Programmed: 'Unknown Pending' });
  });

  it('a GatewayClass that is not accepted → Accepted False (Invalid); no listener is programmed and routes do not attach', () => {
    const v = build([gateway('gw', [http('http')]), route('r')], [gatewayClass('gc', { controllerName: '' })]);
    expect(status(gw(v).conditions)).toEqual({ Accepted: 'False Invalid', Programmed: 'False Invalid' });
    expect(byType(gw(v).conditions, 'Accepted')!.message).toBe('GatewayClass gc is not accepted (Invalid: controllerName is empty)');
    expect(byType(listener(v, 'http').conditions, 'Programmed')).toMatchObject({ status: 'False', reason: 'Invalid' });
    expect(byType(v.routes[0]!.parents[0]!.conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'NotAllowedByListeners', message: expect.stringContaining('the Gateway is not accepted') });
    expect(listener(v, 'http').attachedRoutes).toBe(0);
  });

  it.each([
    [[{ type: 'NamedAddress', value: 'my-pool' }], 'False UnsupportedAddress'],
    [[{ type: 'example.com/custom', value: 'x' }], 'False UnsupportedAddress'],
    [[{ value: '10.0.0.300' }], 'False Invalid'],
    [[{ type: 'Hostname', value: 'Not_A_Host' }], 'False Invalid'],
    [[{ value: '192.0.2.10' }, { type: 'IPAddress', value: '2001:db8::1' }, { type: 'Hostname', value: 'gw.example.com' }, { type: 'IPAddress' }], 'True Accepted'],
  ])('spec.addresses %j → Accepted %s', (addresses, expected) => {
    const g = gw(build([gateway('gw', [http('http')], { addresses })]));
    expect(status(g.conditions).Accepted).toBe(expected);
    if (expected.startsWith('False')) expect(status(g.conditions).Programmed).toBe('False Invalid');
  });

  it('infrastructure.parametersRef to a missing object of a stored kind → InvalidParameters', () => {
    const infra = { infrastructure: { parametersRef: { group: '', kind: 'Service', name: 'proxy-params' } } };
    expect(status(gw(build([gateway('gw', [http('http')], infra)])).conditions).Accepted).toBe('False InvalidParameters');
    expect(status(gw(build([gateway('gw', [http('http')], infra), object('Service', 'v1', 'proxy-params', 'infra', {})])).conditions).Accepted).toBe('True Accepted');
    const crd = { infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'p' } } };
    expect(status(gw(build([gateway('gw', [http('http')], crd)])).conditions).Accepted).toBe('True Accepted'); // not stored: not checked
  });
});

describe('listener status', () => {
  it('a valid HTTP listener: every condition positive, supportedKinds HTTPRoute, attachedRoutes counted', () => {
    const v = build([gateway('gw', [http('http')]), route('a'), route('b')]);
    const l = listener(v, 'http');
    expect(status(l.conditions)).toEqual({ Accepted: 'True Accepted', Conflicted: 'False NoConflicts', ResolvedRefs: 'True ResolvedRefs', Programmed: 'True Programmed' });
    expect(l.supportedKinds).toEqual([HTTP_ROUTE]);
    expect(l.attachedRoutes).toBe(2);
  });

  it('an unsupported protocol → Accepted False (UnsupportedProtocol), no supportedKinds, not programmed', () => {
    const l = listener(build([gateway('gw', [http('http'), { name: 'udp', port: 53, protocol: 'UDP' }])]), 'udp');
    expect(status(l.conditions)).toMatchObject({ Accepted: 'False UnsupportedProtocol', Programmed: 'False Invalid' });
    expect(l.supportedKinds).toEqual([]);
  });

  it('HTTPS with tls.mode Passthrough → Accepted False (UnsupportedValue)', () => {
    const l = listener(build([gateway('gw', [https('tls', [{ name: 'cert' }], { tls: { mode: 'Passthrough' } })])]), 'tls');
    expect(status(l.conditions)).toMatchObject({ Accepted: 'False UnsupportedValue', Programmed: 'False Invalid' });
  });

  it('same port, different protocol → Conflicted (ProtocolConflict) on both; same hostname → HostnameConflict', () => {
    const v = build([
      gateway('gw', [
        http('plain', { port: 8443 }),
        https('secure', [{ name: 'cert' }], { port: 8443 }),
        http('a', { hostname: 'x.io' }),
        http('b', { hostname: 'x.io' }),
        http('c', { hostname: 'y.io' }),
      ]),
    ]);
    for (const name of ['plain', 'secure']) expect(status(listener(v, name).conditions)).toMatchObject({ Accepted: 'False Invalid', Conflicted: 'True ProtocolConflict', Programmed: 'False Invalid' });
    expect(byType(listener(v, 'plain').conditions, 'Conflicted')!.message).toBe('listener secure on port 8443 uses protocol HTTPS');
    for (const name of ['a', 'b']) expect(status(listener(v, name).conditions)).toMatchObject({ Accepted: 'False Invalid', Conflicted: 'True HostnameConflict', Programmed: 'False Invalid' });
    expect(status(listener(v, 'c').conditions)).toMatchObject({ Accepted: 'True Accepted', Conflicted: 'False NoConflicts', Programmed: 'True Programmed' });
  });

  it('certificateRefs: none or a non-Secret → InvalidCertificateRef; another namespace without a ReferenceGrant → RefNotPermitted', () => {
    const v = build([
      gateway('gw', [
        https('ok', [{ name: 'cert' }], { hostname: 'ok.io' }),
        https('none', [], { hostname: 'none.io' }),
        https('kind', [{ group: 'example.com', kind: 'Certificate', name: 'c' }], { hostname: 'kind.io' }),
        https('cross', [{ name: 'cert', namespace: 'certs' }], { hostname: 'cross.io' }),
        https('cross-kind', [{ kind: 'ConfigMap', name: 'c', namespace: 'certs' }], { hostname: 'ck.io' }),
      ]),
    ]);
    expect(status(listener(v, 'ok').conditions)).toMatchObject({ ResolvedRefs: 'True ResolvedRefs', Programmed: 'True Programmed' });
    expect(status(listener(v, 'none').conditions)).toMatchObject({ Accepted: 'True Accepted', ResolvedRefs: 'False InvalidCertificateRef', Programmed: 'False Invalid' });
    expect(byType(listener(v, 'kind').conditions, 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef', message: 'certificateRef example.com/Certificate infra/c: only core Secrets are supported' });
    expect(byType(listener(v, 'cross').conditions, 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'RefNotPermitted', message: expect.stringContaining('no ReferenceGrant in certs allows Gateways from infra') });
    // Not permitted is reported before the kind, as upstream requires.
    expect(byType(listener(v, 'cross-kind').conditions, 'ResolvedRefs')).toMatchObject({ reason: 'RefNotPermitted' });
    expect(status(gw(v).conditions)).toEqual({ Accepted: 'True ListenersNotValid', Programmed: 'True Programmed' });
  });

  it('a ReferenceGrant in the Secret namespace permits the reference (a missing Secret cannot be detected: Secrets are not stored)', () => {
    const gateways = [gateway('gw', [https('cross', [{ name: 'cert', namespace: 'certs' }])])];
    expect(status(listener(build([...gateways, secretGrant('certs', 'infra')]), 'cross').conditions)).toMatchObject({ ResolvedRefs: 'True ResolvedRefs', Programmed: 'True Programmed' });
    expect(status(listener(build([...gateways, secretGrant('infra', 'infra')]), 'cross').conditions)).toMatchObject({ ResolvedRefs: 'False RefNotPermitted' });
    expect(status(listener(build([...gateways, secretGrant('certs', 'other')]), 'cross').conditions)).toMatchObject({ ResolvedRefs: 'False RefNotPermitted' });
  });

  it('allowedRoutes.kinds naming only unsupported kinds → InvalidRouteKinds, no supportedKinds, nothing attaches', () => {
    const v = build([gateway('gw', [http('http', { allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } })]), route('r')]);
    const l = listener(v, 'http');
    expect(byType(l.conditions, 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidRouteKinds', message: 'route kinds not supported: GRPCRoute (HTTPRoute on HTTP and HTTPS is)' });
    expect(l.supportedKinds).toEqual([]);
    expect(l.attachedRoutes).toBe(0);
    expect(byType(v.routes[0]!.parents[0]!.conditions, 'Accepted')).toMatchObject({ status: 'False', reason: 'NotAllowedByListeners' });
  });

  it('supported and unsupported kinds together → InvalidRouteKinds, supportedKinds HTTPRoute, and HTTPRoutes still attach', () => {
    const kinds = [{ kind: 'TCPRoute' }, { group: GROUP, kind: 'HTTPRoute' }, { group: 'example.com', kind: 'HTTPRoute' }];
    const v = build([gateway('gw', [http('http', { allowedRoutes: { kinds } })]), route('r')]);
    const l = listener(v, 'http');
    expect(status(l.conditions)).toMatchObject({ Accepted: 'True Accepted', ResolvedRefs: 'False InvalidRouteKinds', Programmed: 'True Programmed' });
    expect(byType(l.conditions, 'ResolvedRefs')!.message).toContain('TCPRoute, example.com/HTTPRoute');
    expect(l.supportedKinds).toEqual([HTTP_ROUTE]);
    expect(l.attachedRoutes).toBe(1);
  });

  it('a certificate problem and an unsupported kind are both reported, the certificate first', () => {
    const l = listener(build([gateway('gw', [https('s', [], { allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TLSRoute' }] } })])]), 's');
    expect(byType(l.conditions, 'ResolvedRefs')).toMatchObject({ reason: 'InvalidCertificateRef', message: expect.stringContaining('route kinds not supported: TLSRoute') });
  });
});

describe('reason strings', () => {
  // gateway.networking.k8s.io/v1 condition reasons (apis/v1: gatewayclass_types.go, gateway_types.go, shared_types.go).
  const UPSTREAM: Record<string, Record<string, string[]>> = {
    gatewayClass: { Accepted: ['Accepted', 'Invalid', 'InvalidParameters', 'Pending'] },
    gateway: { Accepted: ['Accepted', 'ListenersNotValid', 'Invalid', 'InvalidParameters', 'UnsupportedAddress', 'Pending'], Programmed: ['Programmed', 'Invalid', 'Pending', 'NoResources', 'AddressNotAssigned', 'AddressNotUsable'] },
    listener: {
      Accepted: ['Accepted', 'PortUnavailable', 'UnsupportedProtocol', 'UnsupportedValue', 'Invalid', 'Pending'],
      Conflicted: ['HostnameConflict', 'ProtocolConflict', 'NoConflicts'],
      ResolvedRefs: ['ResolvedRefs', 'InvalidCertificateRef', 'InvalidRouteKinds', 'RefNotPermitted'],
      Programmed: ['Programmed', 'Invalid', 'Pending'],
    },
    route: {
      Accepted: ['Accepted', 'NotAllowedByListeners', 'NoMatchingListenerHostname', 'NoMatchingParent', 'UnsupportedValue', 'Pending'],
      ResolvedRefs: ['ResolvedRefs', 'RefNotPermitted', 'InvalidKind', 'BackendNotFound', 'UnsupportedProtocol'],
    },
  };

  it('every condition set, in a Gateway with each kind of problem, uses an upstream type and reason', () => {
    const v = build(
      [
        gateway('gw', [
          http('http', { allowedRoutes: { namespaces: { from: 'All' }, kinds: [{ kind: 'HTTPRoute' }, { kind: 'GRPCRoute' }] } }),
          http('dup', { hostname: 'd.io' }),
          http('dup2', { hostname: 'd.io' }),
          https('s', [{ name: 'c', namespace: 'certs' }]),
          { name: 'tcp', port: 9000, protocol: 'TCP' },
          http('named', { port: 8080, hostname: 'n.io' }),
        ]),
        gateway('bad-address', [http('http')], { addresses: [{ type: 'NamedAddress', value: 'x' }] }),
        gateway('bad-class', [http('http')], { gatewayClassName: 'broken' }),
        gateway('no-class', [http('http')], { gatewayClassName: 'missing' }),
        route('ok'),
        route('missing-section', 'nope'),
        object('HTTPRoute', V1, 'miss', 'infra', { parentRefs: [{ name: 'gw', sectionName: 'named' }], hostnames: ['other.io'] }),
        object('HTTPRoute', V1, 'refs', 'other', { parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'infra', port: 80 }, { name: 'x', kind: 'Bucket', group: 'example.com' }, { name: 'gone', port: 80 }] }] }),
      ],
      [gatewayClass('gc'), gatewayClass('broken', { controllerName: 'nope' })],
    );
    const seen: string[] = [];
    const check = (role: string, conditions: Condition[]) => {
      for (const c of conditions) {
        seen.push(`${role} ${c.type} ${c.reason}`);
        expect(UPSTREAM[role]![c.type], `${role} ${c.type}`).toBeDefined();
        expect(UPSTREAM[role]![c.type], `${role} ${c.type} ${c.reason}`).toContain(c.reason);
      }
    };
    for (const c of v.gatewayClasses!) check('gatewayClass', c.conditions);
    for (const g of v.gateways) {
      check('gateway', g.conditions);
      for (const l of g.listeners) check('listener', l.conditions);
    }
    for (const r of v.routes) for (const p of r.parents) check('route', p.conditions);
    // The scenario exercises the negative reasons, not only the happy path.
    expect([...new Set(seen)]).toEqual(
      expect.arrayContaining([
          'gatewayClass Accepted Invalid',
          'gateway Accepted ListenersNotValid',
          'gateway Accepted UnsupportedAddress',
          'gateway Accepted Invalid',
          'gateway Accepted Pending',
          'listener Conflicted HostnameConflict',
          'listener ResolvedRefs RefNotPermitted',
          'listener ResolvedRefs InvalidRouteKinds',
          'listener Accepted UnsupportedProtocol',
          'route Accepted NoMatchingParent',
          'route Accepted NoMatchingListenerHostname',
          'route ResolvedRefs RefNotPermitted',
      ]),
    );
  });
});
