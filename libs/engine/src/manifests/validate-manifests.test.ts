import { describe, expect, it } from 'vitest';
import { DomainError, type FieldError } from '../errors/domain-error';
import { parseManifestBody } from './parse-documents';
import { impliedNamespaces, validateManifests } from './validate-manifests';

function validate(yaml: string) {
  return validateManifests(parseManifestBody(yaml, 'yaml'));
}

function errorsOf(yaml: string): FieldError[] {
  try {
    validate(yaml);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'INVALID') return e.errors;
    throw e;
  }
  throw new Error('expected INVALID');
}

function policy(spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: shop\nspec:\n${spec}`;
}

function egressPorts(ports: string): string {
  return policy(`  podSelector: {}\n  egress:\n  - ports:\n${ports}`);
}

describe('validateManifests: accepted objects', () => {
  it('builds ManifestObjects with defaults, data and the namespace name label', () => {
    const { objects } = validate(`
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {kubernetes.io/metadata.name: other, team: a}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  uid: u1
  resourceVersion: "7"
  creationTimestamp: null
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: s-1, namespace: shop}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1]}]
ports: [{name: http, port: 80, protocol: TCP}]
`);
    expect(objects.map((o) => [o.kind, o.namespace, o.name, o.document])).toEqual([
      ['Namespace', '', 'shop', 0],
      ['Pod', 'default', 'web', 1],
      ['EndpointSlice', 'shop', 's-1', 2],
    ]);
    expect(objects[0]!.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop', team: 'a' });
    expect(objects[1]).toMatchObject({ uid: 'u1', resourceVersion: '7', path: '' });
    expect(objects[2]!.data).toEqual({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
    expect(impliedNamespaces(objects)).toEqual(['default']);
  });

  it('accepts int-or-string ports, endPort ranges, IPv6 blocks and omitted policy fields', () => {
    expect(() =>
      validate(
        policy(`  podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [x]}]}
  ingress:
  - from: [{ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}}, {namespaceSelector: {}, podSelector: {}}]
    ports: [{port: http}, {port: 8000, endPort: 8080, protocol: SCTP}, {}]
  policyTypes: [Ingress]`),
      ),
    ).not.toThrow();
  });
});

describe('validateManifests: rejections', () => {
  it('missing apiVersion, kind and metadata.name', () => {
    expect(errorsOf('metadata: {}\n').map((e) => [e.path, e.reason])).toEqual([
      ['apiVersion', 'FieldValueRequired'],
      ['kind', 'FieldValueRequired'],
      ['metadata.name', 'FieldValueRequired'],
    ]);
    expect(errorsOf('apiVersion: v1\nkind: Pod\nspec: {containers: []}\n').map((e) => [e.path, e.reason])).toEqual([['metadata.name', 'FieldValueRequired']]);
  });

  it('unknown kind is KindNotSupported naming kind and apiVersion', () => {
    const [e] = errorsOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    expect(e).toMatchObject({ path: 'kind', reason: 'KindNotSupported', document: 0, line: 2, column: 7 });
    expect(e!.message).toContain('ConfigMap');
    expect(e!.message).toContain('"v1"');
  });

  it('supported kind with an unsupported apiVersion', () => {
    const [e] = errorsOf('apiVersion: apps/v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n');
    expect(e).toMatchObject({ path: 'apiVersion', reason: 'FieldValueNotSupported' });
  });

  it('invalid names per kind', () => {
    expect(errorsOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n')[0]).toMatchObject({ path: 'metadata.name', reason: 'FieldValueInvalid' });
    expect(errorsOf('apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\n')[0]).toMatchObject({ path: 'metadata.name', reason: 'FieldValueInvalid' });
    expect(errorsOf(policy('  podSelector: {}').replace('name: np', 'name: Bad_Name'))[0]).toMatchObject({ path: 'metadata.name', reason: 'FieldValueInvalid' });
  });

  it('invalid label keys and values', () => {
    const errors = errorsOf('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  labels: {"-bad": ok, good: "no/slash"}\n');
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['metadata.labels["-bad"]', 'FieldValueInvalid'],
      ['metadata.labels.good', 'FieldValueInvalid'],
    ]);
    expect(errors[0]!.line).toBe(5);
  });

  it('invalid CIDR', () => {
    const [e] = errorsOf(policy('  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]'));
    expect(e).toMatchObject({ path: 'spec.ingress[0].from[0].ipBlock.cidr', reason: 'FieldValueInvalid' });
  });

  it('except outside cidr, and of another family', () => {
    const errors = errorsOf(policy('  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24, "::/64", 10.0.0.0/16]}}]}]'));
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['spec.ingress[0].from[0].ipBlock.except[0]', 'FieldValueInvalid'],
      ['spec.ingress[0].from[0].ipBlock.except[1]', 'FieldValueInvalid'],
      ['spec.ingress[0].from[0].ipBlock.except[2]', 'FieldValueInvalid'],
    ]);
    expect(errors[0]!.message).toContain('strict subset');
  });

  it('port out of range', () => {
    const [e] = errorsOf(egressPorts('    - port: 70000\n'));
    expect(e).toMatchObject({ path: 'spec.egress[0].ports[0].port', reason: 'FieldValueInvalid', line: 10 });
  });

  it('endPort below port, and endPort with a named port', () => {
    expect(errorsOf(egressPorts('    - {port: 90, endPort: 80}\n'))[0]).toMatchObject({ path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' });
    expect(errorsOf(egressPorts('    - {port: http, endPort: 80}\n'))[0]).toMatchObject({ path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' });
    expect(errorsOf(egressPorts('    - {endPort: 80}\n'))[0]).toMatchObject({ path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' });
  });

  it('unknown protocol', () => {
    expect(errorsOf(egressPorts('    - {protocol: ICMP, port: 1}\n'))[0]).toMatchObject({ path: 'spec.egress[0].ports[0].protocol', reason: 'FieldValueNotSupported' });
  });

  it('invalid named port', () => {
    expect(errorsOf(egressPorts('    - {port: Web_Port}\n'))[0]).toMatchObject({ path: 'spec.egress[0].ports[0].port', reason: 'FieldValueInvalid' });
  });

  it('unknown fields, at every strict level', () => {
    const errors = errorsOf(`
apiVersion: apps/v1
kind: Deployment
extra: 1
metadata: {name: d, colour: red}
spec:
  selector: {matchLabels: {app: d}}
  replica: 2
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: c, image: i, ports: [{containerport: 80}]}]
`);
    expect(errors.filter((e) => e.reason === 'FieldValueUnknown').map((e) => e.path)).toEqual([
      'extra',
      'metadata.colour',
      'spec.replica',
      'spec.template.spec.containers[0].ports[0].containerport',
    ]);
    expect(errors.find((e) => e.path === 'spec.replica')).toMatchObject({ line: 8, column: 12 });
  });

  it('duplicate object names the first document', () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';
    const [e] = errorsOf(`${ns}---\n${ns}`);
    expect(e).toMatchObject({ document: 1, path: 'metadata.name', reason: 'FieldValueDuplicate' });
    expect(e!.message).toContain('document 0');
  });

  it('prefixes paths of List items and collects errors across documents', () => {
    const errors = errorsOf(`
apiVersion: v1
kind: ServiceList
items:
- metadata: {name: a}
  spec: {ports: [{port: 80}]}
- metadata: {name: b}
  spec: {ports: [{port: 0, name: x}, {port: 81, name: x}], type: Magic, clusterIP: nope}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, ports: [{containerPort: 80, protocol: tcp}]}]}
`);
    expect(errors.map((e) => [e.document, e.path, e.reason])).toEqual([
      [0, 'items[1].spec.ports[0].port', 'FieldValueInvalid'],
      [0, 'items[1].spec.type', 'FieldValueNotSupported'],
      [0, 'items[1].spec.clusterIP', 'FieldValueInvalid'],
      [1, 'spec.containers[0].ports[0].protocol', 'FieldValueNotSupported'],
    ]);
  });

  it('Service port names must be unique; nodePort needs NodePort or LoadBalancer', () => {
    const errors = errorsOf(`
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports: [{name: a, port: 80}, {name: a, port: 81, nodePort: 30001}]
`);
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['spec.ports[1].name', 'FieldValueDuplicate'],
      ['spec.ports[1].nodePort', 'FieldValueForbidden'],
    ]);
  });

  it('selector expressions need values for In and none for Exists', () => {
    const errors = errorsOf(policy('  podSelector: {matchExpressions: [{key: a, operator: In}, {key: b, operator: Exists, values: [x]}, {key: c, operator: Has}]}'));
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['spec.podSelector.matchExpressions[0].values', 'FieldValueRequired'],
      ['spec.podSelector.matchExpressions[1].values', 'FieldValueForbidden'],
      ['spec.podSelector.matchExpressions[2].operator', 'FieldValueNotSupported'],
    ]);
  });

  it('wrong types are FieldValueTypeInvalid', () => {
    expect(errorsOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {a: 1}}\n')[0]).toMatchObject({ path: 'metadata.labels.a', reason: 'FieldValueTypeInvalid' });
  });
});
