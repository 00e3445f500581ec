import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { ingressRoutes } from './ingress-routes';
import { matchIngress } from './ingress-match';
import { endpointsOf, ingress, ingressClass, ipath, service } from './routes.fixture';

const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'fallback'].map((n) => service('web', n, [{ name: 'http', port: 80, targetPort: 'http' }]));
const ENDPOINTS = [endpointsOf('web', 'svc-a', [{ pod: 'a-1', ip: '10.244.0.11', ports: { http: 8080 } }, { pod: 'a-2', ip: '10.244.0.12', ready: false, ports: { http: 8080 } }])];
const NGINX = ingressClass('nginx', 'k8s.io/ingress-nginx', true);

/** One Ingress per path so each row of the table reads as written in the docs. */
function tablesFor(paths: Array<[string, string]>, withDefault = false) {
  const objects = [
    NGINX,
    ingress('web', 'paths', {
      ingressClassName: 'nginx',
      ...(withDefault ? { defaultBackend: { service: { name: 'fallback', port: { number: 80 } } } } : {}),
      rules: [{ http: { paths: paths.map(([p, t], i) => ipath(p, t, `svc-${'abc'[i]}`)) } }],
    }),
  ];
  return ingressRoutes({ objects, services: SERVICES, endpoints: ENDPOINTS });
}

describe('Ingress path matching: the "Examples" table of the Kubernetes docs (Path types)', () => {
  // [paths (path, type), request path, matches?, winning path]
  const rows: Array<[Array<[string, string]>, string, boolean, string?]> = [
    [[['/', 'Prefix']], '/', true, '/'],
    [[['/', 'Prefix']], '/anything/at/all', true, '/'],
    [[['/foo', 'Exact']], '/foo', true, '/foo'],
    [[['/foo', 'Exact']], '/bar', false],
    [[['/foo', 'Exact']], '/foo/', false],
    [[['/foo/', 'Exact']], '/foo', false],
    [[['/foo', 'Prefix']], '/foo', true, '/foo'],
    [[['/foo', 'Prefix']], '/foo/', true, '/foo'],
    [[['/foo/', 'Prefix']], '/foo', true, '/foo/'],
    [[['/foo/', 'Prefix']], '/foo/', true, '/foo/'],
    [[['/aaa/bb', 'Prefix']], '/aaa/bbb', false],
    [[['/aaa/bbb', 'Prefix']], '/aaa/bbb', true, '/aaa/bbb'],
    [[['/aaa/bbb/', 'Prefix']], '/aaa/bbb', true, '/aaa/bbb/'], // ignores trailing slash
    [[['/aaa/bbb', 'Prefix']], '/aaa/bbb/', true, '/aaa/bbb'], // matches trailing slash
    [[['/aaa/bbb', 'Prefix']], '/aaa/bbb/ccc', true, '/aaa/bbb'], // matches subpath
    [[['/aaa/bbb', 'Prefix']], '/aaa/bbbxyz', false], // does not match string prefix
    [[['/', 'Prefix'], ['/aaa', 'Prefix']], '/aaa/ccc', true, '/aaa'],
    [[['/', 'Prefix'], ['/aaa', 'Prefix'], ['/aaa/bbb', 'Prefix']], '/aaa/bbb', true, '/aaa/bbb'],
    [[['/', 'Prefix'], ['/aaa', 'Prefix'], ['/aaa/bbb', 'Prefix']], '/ccc', true, '/'],
    [[['/aaa', 'Prefix']], '/ccc', false], // uses the default backend
    [[['/foo', 'Prefix'], ['/foo', 'Exact']], '/foo', true, '/foo'], // mixed: prefers Exact
    [[['/foo', 'Exact']], '/FOO', false], // Exact is case-sensitive
    [[['/foo/', 'Prefix'], ['/foo', 'Exact']], '/foo', true, '/foo'], // /foo/ ranks as /foo: Exact wins the tie
    [[['/aaa/', 'Prefix'], ['/aaa/b', 'Prefix']], '/aaa/b/c', true, '/aaa/b'],
  ];

  it.each(rows)('%j, request %s → matches %s (%s)', (paths, request, matches, winner) => {
    const m = matchIngress(tablesFor(paths), { url: `http://example.com${request}` });
    expect(m.matched).toBe(matches);
    if (matches) expect(m.rule?.path).toBe(winner);
    else expect(m.reason).toBe('404: no rule and no default backend');
  });

  it('mixed Exact and Prefix of /foo: Exact wins and the Prefix says why it lost', () => {
    const m = matchIngress(tablesFor([['/foo', 'Prefix'], ['/foo', 'Exact']]), { url: 'http://example.com/foo' });
    expect(m.rule).toEqual({ host: '', path: '/foo', pathType: 'Exact' });
    expect(m.candidates).toEqual([{ ingress: 'web/paths', host: '', path: '/foo', pathType: 'Prefix', lost: 'Prefix loses to Exact of equal length' }]);
  });

  it('/aaa Prefix and request /ccc: the default backend takes it', () => {
    const m = matchIngress(tablesFor([['/aaa', 'Prefix']], true), { url: 'http://example.com/ccc' });
    expect(m).toMatchObject({ matched: true, defaultBackend: true, backend: { service: 'fallback', namespace: 'web', port: 80 } });
    expect(m.candidates[0]!.lost).toBe('path /aaa does not match /ccc (Prefix matches whole segments)');
  });

  it('losing candidates name the longer path and the segment rule', () => {
    const m = matchIngress(tablesFor([['/', 'Prefix'], ['/aaa', 'Prefix'], ['/aaa/bb', 'Prefix']]), { url: 'http://x.io/aaa/bbb' });
    expect(m.rule?.path).toBe('/aaa');
    expect(m.candidates.map((c) => `${c.path}: ${c.lost}`)).toEqual([
      '/aaa/bb: path /aaa/bb does not match /aaa/bbb (Prefix matches whole segments)',
      '/: shorter path than /aaa',
    ]);
  });

  it('ImplementationSpecific is matched as Prefix and said so', () => {
    const m = matchIngress(tablesFor([['/api', 'ImplementationSpecific']]), { url: 'http://x.io/api/v1' });
    expect(m.matched).toBe(true);
    expect(m.notes).toContain('ImplementationSpecific is up to the controller: matched as Prefix here');
    expect(matchIngress(tablesFor([['/api', 'ImplementationSpecific']]), { url: 'http://x.io/apix' }).matched).toBe(false);
  });
});

describe('Ingress hosts', () => {
  const tables = ingressRoutes({
    objects: [
      NGINX,
      ingress('web', 'hosts', {
        rules: [
          { host: '*.foo.com', http: { paths: [ipath('/', 'Prefix', 'svc-a')] } },
          { host: 'bar.foo.com', http: { paths: [ipath('/exact-only', 'Exact', 'svc-b')] } },
          { http: { paths: [ipath('/', 'Prefix', 'svc-c')] } },
        ],
      }),
    ],
    services: SERVICES,
    endpoints: ENDPOINTS,
  });
  const serviceFor = (url: string) => matchIngress(tables, { url }).backend?.service;

  it('a wildcard matches exactly one extra label', () => {
    expect(serviceFor('http://baz.foo.com/x')).toBe('svc-a');
    expect(serviceFor('http://baz.bar.foo.com/x')).toBe('svc-c'); // two labels: falls to the host-less rule
    expect(serviceFor('http://foo.com/x')).toBe('svc-c');
  });

  it('an exact host beats a wildcard, and picks the virtual host even when none of its paths match', () => {
    expect(serviceFor('http://bar.foo.com/exact-only')).toBe('svc-b');
    const m = matchIngress(tables, { url: 'http://bar.foo.com/other' });
    expect(m).toMatchObject({ matched: false, reason: '404: no rule and no default backend' });
    expect(m.candidates.map((c) => c.lost)).toEqual([
      'path /exact-only does not match /other (Exact matches the whole path, case-sensitive)',
      'host bar.foo.com is more specific than *.foo.com',
      'host bar.foo.com is more specific than (any)',
    ]);
  });

  it('a rule without host matches every host; hosts are case-insensitive', () => {
    expect(serviceFor('http://anything.example/')).toBe('svc-c');
    expect(serviceFor('http://BAZ.Foo.com/')).toBe('svc-a');
    expect(matchIngress(tables, { url: 'http://other.net/' }).candidates.filter((c) => c.lost === 'host does not match')).toHaveLength(2);
  });

  it('hosts are ordered exact, wildcard, every host', () => {
    expect(tables[0]!.hosts.map((h) => h.host)).toEqual(['bar.foo.com', '*.foo.com', '']);
  });
});

describe('Ingress backends and endpoints', () => {
  const tables = ingressRoutes({
    objects: [
      NGINX,
      ingress('web', 'b', {
        rules: [
          {
            host: 'shop.io',
            http: { paths: [ipath('/a', 'Prefix', 'svc-a', 'http'), ipath('/num', 'Prefix', 'svc-a', 80), ipath('/gone', 'Prefix', 'missing'), ipath('/badport', 'Prefix', 'svc-a', 9999)] },
          },
        ],
      }),
    ],
    services: SERVICES,
    endpoints: ENDPOINTS,
  });

  it('resolves the service port by name or number and lists endpoints with their target port', () => {
    for (const url of ['http://shop.io/a', 'http://shop.io/num']) {
      const m = matchIngress(tables, { url });
      expect(m.endpoints).toEqual([
        { pod: 'web/a-1', ip: '10.244.0.11', port: 8080, ready: true },
        { pod: 'web/a-2', ip: '10.244.0.12', port: 8080, ready: false },
      ]);
    }
    const route = tables[0]!.hosts[0]!.paths.find((p) => p.path === '/a')!;
    expect(route.backend.servicePort).toMatchObject({ name: 'http', port: 80 });
  });

  it('reports a missing service or port on the route', () => {
    const paths = tables[0]!.hosts[0]!.paths;
    expect(paths.find((p) => p.path === '/gone')!.backend.problem).toBe('service web/missing not found');
    expect(paths.find((p) => p.path === '/badport')!.backend.problem).toBe('service web/svc-a has no port 9999 (ports: http/80)');
    expect(matchIngress(tables, { url: 'http://shop.io/gone' }).notes).toContain('backend: service web/missing not found: requests get 503');
  });

  it('the table is JSON-serialisable and reads the same after a round trip', () => {
    const copy = JSON.parse(JSON.stringify(tables));
    expect(copy).toEqual(tables);
    expect(matchIngress(copy, { url: 'http://shop.io/a' })).toEqual(matchIngress(tables, { url: 'http://shop.io/a' }));
  });
});

describe('Ingress conflicts', () => {
  const claim = (name: string, ts: string | undefined, svc: string, ns = 'web') =>
    ingress(ns, name, { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [ipath('/api', 'Prefix', svc)] } }] }, ts ? { creationTimestamp: ts } : {});

  it('the oldest Ingress owns a host+path (as matched); the conflict is reported', () => {
    const tables = ingressRoutes({
      objects: [NGINX, claim('newer', '2024-05-02T00:00:00Z', 'svc-b'), claim('older', '2024-05-01T00:00:00Z', 'svc-a')],
      services: SERVICES,
      endpoints: ENDPOINTS,
    });
    expect(tables[0]!.conflicts).toEqual([{ kind: 'path', winner: 'web/older', loser: 'web/newer', host: 'shop.io', path: '/api', pathType: 'Prefix' }]);
    const m = matchIngress(tables, { url: 'http://shop.io/api/x' });
    expect(m).toMatchObject({ ingress: 'web/older', backend: { service: 'svc-a' } });
    expect(m.candidates).toEqual([{ ingress: 'web/newer', host: 'shop.io', path: '/api', pathType: 'Prefix', lost: 'conflict: older Ingress web/older owns this host/path' }]);
  });

  it('equal timestamps (or none) tie by ns/name', () => {
    const tables = ingressRoutes({ objects: [NGINX, claim('b', undefined, 'svc-b', 'aaa'), claim('a', undefined, 'svc-a', 'zzz')], services: [], endpoints: [] });
    expect(tables[0]!.conflicts[0]).toMatchObject({ winner: 'aaa/b', loser: 'zzz/a' });
  });

  it('a timestamp beats no timestamp', () => {
    const tables = ingressRoutes({ objects: [NGINX, claim('a', undefined, 'svc-a'), claim('b', '2024-01-01T00:00:00Z', 'svc-b')], services: [], endpoints: [] });
    expect(tables[0]!.conflicts[0]).toMatchObject({ winner: 'web/b', loser: 'web/a' });
  });

  it('different pathTypes or classes do not conflict', () => {
    const exact = ingress('web', 'exact', { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [ipath('/api', 'Exact', 'svc-b')] } }] });
    const other = ingress('web', 'other', { ingressClassName: 'traefik', rules: [{ host: 'shop.io', http: { paths: [ipath('/api', 'Prefix', 'svc-c')] } }] });
    const tables = ingressRoutes({ objects: [NGINX, ingressClass('traefik', 'traefik.io/ingress-controller'), claim('older', '2024-05-01T00:00:00Z', 'svc-a'), exact, other], services: [], endpoints: [] });
    expect(tables.flatMap((t) => t.conflicts)).toEqual([]);
  });

  it('a trailing slash does not make a Prefix path another claim: the older /api keeps it against a newer /api/', () => {
    const claimAs = (name: string, ts: string, path: string, pathType: string, svc: string) =>
      ingress('web', name, { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [ipath(path, pathType, svc)] } }] }, { creationTimestamp: ts });
    for (const [olderPath, newerPath] of [
      ['/api', '/api/'],
      ['/api/', '/api'],
    ] as const) {
      const tables = ingressRoutes({
        objects: [NGINX, claimAs('newer', '2024-05-02T00:00:00Z', newerPath, 'Prefix', 'svc-b'), claimAs('older', '2024-05-01T00:00:00Z', olderPath, 'Prefix', 'svc-a')],
        services: SERVICES,
        endpoints: ENDPOINTS,
      });
      expect(tables[0]!.conflicts).toEqual([
        { kind: 'path', winner: 'web/older', loser: 'web/newer', host: 'shop.io', path: newerPath, pathType: 'Prefix', winnerPath: olderPath, winnerPathType: 'Prefix' },
      ]);
      for (const url of ['http://shop.io/api', 'http://shop.io/api/', 'http://shop.io/api/x']) {
        const m = matchIngress(tables, { url });
        expect(m).toMatchObject({ ingress: 'web/older', rule: { path: olderPath }, backend: { service: 'svc-a' } });
        expect(m.candidates).toEqual([{ ingress: 'web/newer', host: 'shop.io', path: newerPath, pathType: 'Prefix', lost: 'conflict: older Ingress web/older owns this host/path' }]);
      }
    }
  });

  it('Prefix and ImplementationSpecific on one path conflict (ImplementationSpecific is matched as Prefix)', () => {
    const tables = ingressRoutes({
      objects: [
        NGINX,
        ingress('web', 'newer', { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [ipath('/api/', 'ImplementationSpecific', 'svc-b')] } }] }, { creationTimestamp: '2024-05-02T00:00:00Z' }),
        claim('older', '2024-05-01T00:00:00Z', 'svc-a'),
      ],
      services: SERVICES,
      endpoints: ENDPOINTS,
    });
    expect(tables[0]!.conflicts).toEqual([
      { kind: 'path', winner: 'web/older', loser: 'web/newer', host: 'shop.io', path: '/api/', pathType: 'ImplementationSpecific', winnerPath: '/api', winnerPathType: 'Prefix' },
    ]);
    expect(matchIngress(tables, { url: 'http://shop.io/api/v1' })).toMatchObject({ ingress: 'web/older', backend: { service: 'svc-a' } });
  });

  it('within one Ingress, /api/ after /api is a duplicate; Exact /api/ is a path of its own', () => {
    const tables = ingressRoutes({
      objects: [NGINX, ingress('web', 'one', { ingressClassName: 'nginx', rules: [{ host: 'shop.io', http: { paths: [ipath('/api', 'Prefix', 'svc-a'), ipath('/api/', 'Prefix', 'svc-b'), ipath('/api/', 'Exact', 'svc-c')] } }] })],
      services: SERVICES,
      endpoints: ENDPOINTS,
    });
    expect(tables[0]!.conflicts).toEqual([]);
    const paths = tables[0]!.hosts[0]!.paths;
    expect(paths.map((p) => [p.path, p.pathType, p.lostTo ?? ''])).toEqual([
      ['/api/', 'Exact', ''],
      ['/api', 'Prefix', ''],
      ['/api/', 'Prefix', 'web/one'],
    ]);
    expect(paths[2]!.notes).toContain('matches as the earlier path /api (Prefix) of the same Ingress: the first one is used');
    expect(matchIngress(tables, { url: 'http://shop.io/api/' }).backend?.service).toBe('svc-c');
    expect(matchIngress(tables, { url: 'http://shop.io/api/x' }).backend?.service).toBe('svc-a');
  });

  it('a second defaultBackend in a class loses to the older one', () => {
    const d = (name: string, ts: string, svc: string) => ingress('web', name, { defaultBackend: { service: { name: svc, port: { number: 80 } } } }, { creationTimestamp: ts });
    const tables = ingressRoutes({ objects: [NGINX, d('late', '2024-02-01T00:00:00Z', 'svc-b'), d('early', '2024-01-01T00:00:00Z', 'svc-a')], services: SERVICES, endpoints: ENDPOINTS });
    expect(tables[0]!.defaultBackend?.ingress).toBe('web/early');
    expect(tables[0]!.conflicts).toEqual([{ kind: 'defaultBackend', winner: 'web/early', loser: 'web/late', host: '', path: '' }]);
  });
});

describe('IngressClass selection', () => {
  const plain = (name: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>) =>
    ingress('web', name, { ...extra, rules: [{ host: `${name}.io`, http: { paths: [ipath('/', 'Prefix', 'svc-a')] } }] }, annotations ? { annotations } : {});

  it('Ingresses without a class go to the default class; the legacy annotation is honoured; unknown classes are unattached', () => {
    const tables = ingressRoutes({
      objects: [NGINX, ingressClass('traefik', 'traefik.io/ingress-controller'), plain('none'), plain('named', { ingressClassName: 'traefik' }), plain('legacy', {}, { 'kubernetes.io/ingress.class': 'traefik' }), plain('ghost', { ingressClassName: 'haproxy' })],
      services: SERVICES,
      endpoints: ENDPOINTS,
    });
    expect(tables.map((t) => [t.class, t.exists, t.controller])).toEqual([
      ['haproxy', false, undefined],
      ['nginx', true, 'k8s.io/ingress-nginx'],
      ['traefik', true, 'traefik.io/ingress-controller'],
    ]);
    expect(tables[1]!.ingresses).toEqual([{ ingress: 'web/none', via: 'default', attached: true }]);
    expect(tables[2]!.ingresses.map((i) => `${i.ingress}:${i.via}`)).toEqual(['web/legacy:annotation', 'web/named:ingressClassName']);
    expect(tables[0]!.ingresses).toEqual([{ ingress: 'web/ghost', via: 'ingressClassName', attached: false, reason: 'IngressClass haproxy does not exist: no controller serves this Ingress' }]);
    expect(matchIngress(tables, { url: 'http://ghost.io/', class: 'haproxy' })).toMatchObject({ matched: false, reason: 'IngressClass haproxy does not exist: no controller serves its Ingresses' });
    // No class given: the default class answers.
    expect(matchIngress(tables, { url: 'http://none.io/' })).toMatchObject({ matched: true, class: 'nginx', ingress: 'web/none' });
    expect(matchIngress(tables, { url: 'http://named.io/', class: 'traefik' })).toMatchObject({ matched: true, ingress: 'web/named' });
  });

  it('without a default class, Ingresses naming none are unattached', () => {
    const tables = ingressRoutes({ objects: [ingressClass('nginx', 'k8s.io/ingress-nginx'), plain('none')], services: [], endpoints: [] });
    expect(tables.find((t) => t.class === '')!.ingresses[0]).toMatchObject({ attached: false, reason: 'names no IngressClass and no IngressClass is marked default' });
  });

  it('spec.ingressClassName wins over the annotation, with a note', () => {
    const tables = ingressRoutes({ objects: [NGINX, ingressClass('traefik', 't'), plain('both', { ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'traefik' })], services: [], endpoints: [] });
    expect(tables.find((t) => t.class === 'nginx')!.ingresses.map((i) => i.ingress)).toEqual(['web/both']);
    expect(tables.find((t) => t.class === 'nginx')!.notes[0]).toContain('spec.ingressClassName takes precedence');
  });

  it('several classes and no single default: the query must name one', () => {
    const tables = ingressRoutes({ objects: [ingressClass('a', 'x'), ingressClass('b', 'y')], services: [], endpoints: [] });
    expect(() => matchIngress(tables, { url: 'http://x.io/' })).toThrow(DomainError);
    expect(() => matchIngress(tables, { url: 'http://x.io/', class: 'c' })).toThrow(/not found/);
  });
});

describe('Ingress TLS', () => {
  const tables = ingressRoutes({
    objects: [
      NGINX,
      ingress('web', 'tls', {
        tls: [{ hosts: ['secure.io', '*.wild.io'], secretName: 'cert' }, { hosts: ['nosecret.io'] }],
        rules: ['secure.io', 'a.wild.io', 'plain.io', 'nosecret.io'].map((host) => ({ host, http: { paths: [ipath('/', 'Prefix', 'svc-a')] } })),
      }),
    ],
    services: SERVICES,
    endpoints: ENDPOINTS,
  });

  it('records the secret per host', () => {
    expect(tables[0]!.hosts.map((h) => [h.host, h.tls?.secretName])).toEqual([
      ['a.wild.io', 'cert'],
      ['nosecret.io', undefined],
      ['plain.io', undefined],
      ['secure.io', 'cert'],
    ]);
    expect(tables[0]!.notes).toContain('web/tls: tls entry for nosecret.io has no secretName: it terminates nothing here');
  });

  it('tls is true for https to a covered host only', () => {
    expect(matchIngress(tables, { url: 'https://secure.io/' }).tls).toBe(true);
    expect(matchIngress(tables, { url: 'https://a.wild.io/' }).tls).toBe(true);
    expect(matchIngress(tables, { url: 'http://secure.io/' }).tls).toBe(false);
    expect(matchIngress(tables, { url: 'https://plain.io/' }).tls).toBe(false);
    expect(matchIngress(tables, { url: 'https://nosecret.io/' }).tls).toBe(false);
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => matchIngress(tables, { url: 'ftp://secure.io/' })).toThrow(DomainError);
  });
});
