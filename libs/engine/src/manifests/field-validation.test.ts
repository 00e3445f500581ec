import { describe, expect, it } from 'vitest';
import { DomainError, type FieldError } from '../errors/domain-error';
import { TOLERATED_RULES, type ToleratedRule } from './field-validation';
import { parseManifestBody } from './parse-documents';
import { validateManifests } from './validate-manifests';

function validate(yaml: string, fieldValidation?: 'Strict' | 'Warn') {
  return validateManifests(parseManifestBody(yaml, 'yaml'), fieldValidation ? { fieldValidation } : undefined);
}

function errorsOf(yaml: string, fieldValidation: 'Strict' | 'Warn'): FieldError[] {
  try {
    validate(yaml, fieldValidation);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'INVALID') return e.errors;
    throw e;
  }
  throw new Error('expected INVALID');
}

const pod = (spec: string, meta = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n${meta}spec:\n${spec}`;
const policy = (spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n  namespace: shop\nspec:\n  podSelector: {}\n${spec}`;
const container = '  containers:\n  - name: app\n    image: x\n';

/** One body per tolerated rule, with the path its warning must carry. */
const TOLERABLE: Record<ToleratedRule, { yaml: string; path: string; reason: FieldError['reason'] }> = {
  unknownField: { yaml: pod(`${container}  colour: blue\n`), path: 'spec.colour', reason: 'FieldValueUnknown' },
  fieldNameCase: { yaml: pod('  containers:\n  - name: app\n    ports:\n    - name: dns\n      containerport: 53\n'), path: 'spec.containers[0].ports[0].containerport', reason: 'FieldValueUnknown' },
  containerName: { yaml: pod('  containers:\n  - image: x\n'), path: 'spec.containers[0].name', reason: 'FieldValueRequired' },
  ownerReference: { yaml: pod(container, '  ownerReferences:\n  - name: web-rs\n    controller: true\n'), path: 'metadata.ownerReferences[0].apiVersion', reason: 'FieldValueRequired' },
  objectName: { yaml: policy('').replace('name: np', 'name: my_policy'), path: 'metadata.name', reason: 'FieldValueInvalid' },
  labelSyntax: { yaml: pod(container, '  labels:\n    net: ns-a/udn-a\n'), path: 'metadata.labels.net', reason: 'FieldValueInvalid' },
  servicePortName: {
    yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  ports:\n  - {port: 80}\n  - {port: 443}\n',
    path: 'spec.ports[0].name',
    reason: 'FieldValueRequired',
  },
  containerPortNameDuplicate: {
    yaml: pod('  containers:\n  - name: a\n    ports: [{name: web, containerPort: 80}]\n  - name: b\n    ports: [{name: web, containerPort: 8080}]\n'),
    path: 'spec.containers[1].ports[0].name',
    reason: 'FieldValueDuplicate',
  },
  endPortBelowPort: { yaml: policy('  egress:\n  - ports:\n    - {port: 100, endPort: 1}\n'), path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' },
  apiVersionGroup: { yaml: pod(container).replace('apiVersion: v1', 'apiVersion: apps/v1'), path: 'apiVersion', reason: 'FieldValueNotSupported' },
};

describe('fieldValidation Warn: tolerable problems', () => {
  it('has a case for every rule of the table', () => {
    expect(Object.keys(TOLERABLE).sort()).toEqual(Object.keys(TOLERATED_RULES).sort());
  });

  for (const [rule, { yaml, path, reason }] of Object.entries(TOLERABLE)) {
    it(`${rule}: Strict rejects, Warn keeps the object with a warning`, () => {
      expect(errorsOf(yaml, 'Strict').map((e) => e.path)).toContain(path);
      const { objects } = validate(yaml, 'Warn');
      expect(objects).toHaveLength(1);
      expect(objects[0]!.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ document: 0, path, reason, line: expect.any(Number) })]));
    });
  }

  it('Strict is the default and never sets warnings', () => {
    expect(() => validate(TOLERABLE.unknownField.yaml)).toThrow(DomainError);
    const { objects } = validate(pod(container));
    expect(objects[0]!.warnings).toBeUndefined();
  });

  it('keeps unknown fields as given', () => {
    const { objects } = validate(TOLERABLE.unknownField.yaml, 'Warn');
    expect(objects[0]!.spec).toMatchObject({ colour: 'blue' });
  });

  it('reads a field spelled with other case under its canonical name', () => {
    const { objects } = validate(TOLERABLE.fieldNameCase.yaml, 'Warn');
    expect(objects[0]!.spec).toEqual({ containers: [{ name: 'app', ports: [{ name: 'dns', containerPort: 53 }] }] });
    expect(objects[0]!.warnings![0]!.message).toContain('read as "containerPort"');
  });

  it('does not rename onto a field that is present: the misspelt one stays unknown', () => {
    const { objects } = validate(pod('  containers:\n  - name: app\n    ports:\n    - {containerPort: 80, containerport: 53}\n'), 'Warn');
    expect(objects[0]!.spec).toEqual({ containers: [{ name: 'app', ports: [{ containerPort: 80, containerport: 53 }] }] });
    expect(objects[0]!.warnings!.map((w) => w.reason)).toEqual(['FieldValueUnknown']);
  });

  it('normalizes a wrong built-in group to the registry apiVersion', () => {
    const { objects } = validate(TOLERABLE.apiVersionGroup.yaml, 'Warn');
    expect(objects[0]).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
  });

  it('keeps incomplete owner references and non-DNS names as given', () => {
    expect(validate(TOLERABLE.ownerReference.yaml, 'Warn').objects[0]!.ownerReferences).toEqual([{ name: 'web-rs', controller: true }]);
    expect(validate(TOLERABLE.objectName.yaml, 'Warn').objects[0]!.name).toBe('my_policy');
    expect(validate(TOLERABLE.labelSyntax.yaml, 'Warn').objects[0]!.labels).toEqual({ net: 'ns-a/udn-a' });
  });
});

describe('fieldValidation Warn: intolerable problems still reject', () => {
  const cases: Record<string, { yaml: string; reason: FieldError['reason']; path: string }> = {
    'missing metadata.name': { yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {}\n', reason: 'FieldValueRequired', path: 'metadata.name' },
    'missing kind': { yaml: 'apiVersion: v1\nmetadata: {name: a}\n', reason: 'FieldValueRequired', path: 'kind' },
    'unsupported kind': { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', reason: 'KindNotSupported', path: 'kind' },
    'unparseable CIDR': { yaml: policy('  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/33}\n'), reason: 'FieldValueInvalid', path: 'spec.ingress[0].from[0].ipBlock.cidr' },
    'except outside cidr': {
      yaml: policy('  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/24, except: [10.1.0.0/28]}\n'),
      reason: 'FieldValueInvalid',
      path: 'spec.ingress[0].from[0].ipBlock.except[0]',
    },
    'port out of range': { yaml: policy('  egress:\n  - ports:\n    - {port: 70000}\n'), reason: 'FieldValueInvalid', path: 'spec.egress[0].ports[0].port' },
    'unknown protocol': { yaml: policy('  egress:\n  - ports:\n    - {protocol: ICMP, port: 1}\n'), reason: 'FieldValueNotSupported', path: 'spec.egress[0].ports[0].protocol' },
    'endPort with a named port': { yaml: policy('  egress:\n  - ports:\n    - {port: web, endPort: 90}\n'), reason: 'FieldValueInvalid', path: 'spec.egress[0].ports[0].endPort' },
    'string where an object is read': { yaml: policy('  ingress: [from]\n'), reason: 'FieldValueTypeInvalid', path: 'spec.ingress[0]' },
    'wrong type of a container port': { yaml: pod('  containers:\n  - name: a\n    ports: {containerPort: 80}\n'), reason: 'FieldValueTypeInvalid', path: 'spec.containers[0].ports' },
    'selector label value syntax': { yaml: policy('  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: a/b}}\n'), reason: 'FieldValueInvalid', path: 'spec.ingress[0].from[0].podSelector.matchLabels.app' },
    'apiVersion of an unknown group': {
      yaml: 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: svc}\nspec: {template: {}}\n',
      reason: 'FieldValueNotSupported',
      path: 'apiVersion',
    },
    'apiVersion of another version': { yaml: pod(container).replace('apiVersion: v1', 'apiVersion: apps/v1beta2'), reason: 'FieldValueNotSupported', path: 'apiVersion' },
    'duplicate object': { yaml: `${pod(container)}---\n${pod(container)}`, reason: 'FieldValueDuplicate', path: 'metadata.name' },
    'duplicate Service port names': {
      yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  ports:\n  - {name: a, port: 80}\n  - {name: a, port: 443}\n',
      reason: 'FieldValueDuplicate',
      path: 'spec.ports[1].name',
    },
  };
  for (const [name, { yaml, reason, path }] of Object.entries(cases)) {
    it(name, () => {
      expect(errorsOf(yaml, 'Warn')).toEqual(expect.arrayContaining([expect.objectContaining({ reason, path })]));
    });
  }

  it('a document with both kinds of problem is rejected, listing only the intolerable ones', () => {
    const errors = errorsOf(pod('  containers:\n  - image: x\n    ports: [{containerPort: 0}]\n'), 'Warn');
    expect(errors.map((e) => e.path)).toEqual(['spec.containers[0].ports[0].containerPort']);
  });

  it('YAML syntax errors stay MALFORMED', () => {
    expect(() => validate('kind: Pod\nmetadata: {name: [\n', 'Warn')).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});
