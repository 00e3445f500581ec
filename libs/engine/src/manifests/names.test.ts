import { describe, expect, it } from 'vitest';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain, checkLabelValue, checkPortName, checkQualifiedName } from './names';
import { resolveKindName, SUPPORTED_KIND_NAMES } from './kind-names';
import { SUPPORTED_KINDS } from './kinds';

describe('Kubernetes name rules', () => {
  it('DNS-1123 labels', () => {
    expect(checkDns1123Label('my-name')).toEqual([]);
    expect(checkDns1123Label('123-abc')).toEqual([]);
    expect(checkDns1123Label('My-name')[0]).toContain('RFC 1123 label');
    expect(checkDns1123Label('a.b')).not.toEqual([]);
    expect(checkDns1123Label('a'.repeat(64))).toContain('must be no more than 63 characters');
  });

  it('DNS-1123 subdomains', () => {
    expect(checkDns1123Subdomain('example.com')).toEqual([]);
    expect(checkDns1123Subdomain('under_score')[0]).toContain('RFC 1123 subdomain');
    expect(checkDns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
  });

  it('DNS-1035 labels start with a letter', () => {
    expect(checkDns1035Label('web')).toEqual([]);
    expect(checkDns1035Label('1web')[0]).toContain('DNS-1035');
  });

  it('label keys: optional subdomain prefix and a 63-character name part', () => {
    expect(checkQualifiedName('app')).toEqual([]);
    expect(checkQualifiedName('kubernetes.io/metadata.name')).toEqual([]);
    expect(checkQualifiedName('My_Key.1')).toEqual([]);
    expect(checkQualifiedName('a/b/c')[0]).toContain('qualified name');
    expect(checkQualifiedName('/x')).toContain('prefix part must be non-empty');
    expect(checkQualifiedName('Bad_Prefix/x')[0]).toMatch(/^prefix part /);
    expect(checkQualifiedName('x/')).toContain('name part must be non-empty');
    expect(checkQualifiedName('-x')[0]).toMatch(/^name part must consist/);
    expect(checkQualifiedName('a'.repeat(64))).toContain('name part must be no more than 63 characters');
  });

  it('label values: empty allowed, up to 63', () => {
    expect(checkLabelValue('')).toEqual([]);
    expect(checkLabelValue('v1.2_x-y')).toEqual([]);
    expect(checkLabelValue('a/b')[0]).toContain('a valid label must be an empty string');
    expect(checkLabelValue('a'.repeat(64))).toContain('must be no more than 63 characters');
  });

  it('IANA service port names', () => {
    expect(checkPortName('http')).toEqual([]);
    expect(checkPortName('grpc-web')).toEqual([]);
    expect(checkPortName('a'.repeat(16))).toContain('must be no more than 15 characters');
    expect(checkPortName('HTTP')).toContain('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
    expect(checkPortName('a--b')).toContain('must not contain consecutive hyphens');
    expect(checkPortName('8080')).toContain('must contain at least one letter (a-z)');
    expect(checkPortName('-web')).toContain('must not begin or end with a hyphen');
  });
});

describe('resolveKindName', () => {
  it('accepts kinds, lower-case, plurals and kubectl short names', () => {
    const cases: Record<string, string> = {
      Pod: 'Pod', pod: 'Pod', pods: 'Pod', po: 'Pod', ns: 'Namespace', no: 'Node', deploy: 'Deployment', rs: 'ReplicaSet',
      sts: 'StatefulSet', ds: 'DaemonSet', cj: 'CronJob', rc: 'ReplicationController', svc: 'Service', netpol: 'NetworkPolicy',
      NetworkPolicies: 'NetworkPolicy', ing: 'Ingress', gc: 'GatewayClass', gtw: 'Gateway', refgrant: 'ReferenceGrant',
      anp: 'AdminNetworkPolicy', banp: 'BaselineAdminNetworkPolicy', httproutes: 'HTTPRoute', endpointslice: 'EndpointSlice',
    };
    for (const [name, kind] of Object.entries(cases)) expect(resolveKindName(name), name).toBe(kind);
    expect(resolveKindName('configmap')).toBeUndefined();
  });

  it('lists every registry kind once', () => {
    expect([...SUPPORTED_KIND_NAMES].sort()).toEqual([...SUPPORTED_KINDS.keys()].sort());
  });
});
