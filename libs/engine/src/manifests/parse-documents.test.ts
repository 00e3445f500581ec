import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { parseManifestBody } from './parse-documents';

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('parseManifestBody (YAML): whitespace slips go-yaml reads', () => {
  it('accepts a tab-indented line inside a flow sequence, with a warning', () => {
    const docs = parseManifestBody('kind: Pod\nargs:\n  [\n    "-a",\n\t    "-b",\n  ]\n', 'yaml');
    expect(docs[0]!.object).toEqual({ kind: 'Pod', args: ['-a', '-b'] });
    expect(docs[0]!.warnings).toEqual([expect.objectContaining({ document: 0, line: 5, reason: 'SyntaxError' })]);
  });

  it('accepts a multi-line quoted scalar whose closing line is not indented, with the same value', () => {
    const text = "a: 1\n---\nspec:\n  config: '{\n    \"x\": 1\n  }'\n  other: 2\n";
    const docs = parseManifestBody(text, 'yaml');
    expect(docs[1]!.object).toEqual({ spec: { config: '{ "x": 1 }', other: 2 } });
    expect(docs[1]!.warnings).toEqual([expect.objectContaining({ document: 1, line: 6 })]);
    expect(docs[0]!.warnings).toBeUndefined();
    expect(parseManifestBody(text.replace('\n  }', '\n   }'), 'yaml')[1]!.object).toEqual(docs[1]!.object);
  });

  it('works with CRLF line ends', () => {
    const docs = parseManifestBody("spec:\r\n  config: '{\r\n    \"x\": 1\r\n  }'\r\n", 'yaml');
    expect(docs[0]!.object).toEqual({ spec: { config: '{ "x": 1 }' } });
  });

  it('still rejects real garbage: a repair only counts if the whole stream then parses', () => {
    expect(caught(() => parseManifestBody('args:\n  [\n\t  "-a",\n  ]\nname: @bad\n', 'yaml')).code).toBe('MALFORMED');
    expect(caught(() => parseManifestBody("spec:\n  config: '{\n  }\n", 'yaml')).code).toBe('MALFORMED');
    expect(caught(() => parseManifestBody('a:\n\tb: 1\n', 'yaml')).code).toBe('MALFORMED');
  });
});

describe('parseManifestBody (YAML)', () => {
  it('splits a multi-document stream and skips empty documents', () => {
    const docs = parseManifestBody('a: 1\n---\nb: 2\n---\n', 'yaml');
    expect(docs.map((d) => [d.index, d.object])).toEqual([
      [0, { a: 1 }],
      [1, { b: 2 }],
    ]);
  });

  it('reports a syntax error with document index, line and column (1-based)', () => {
    const err = caught(() => parseManifestBody('kind: Pod\n---\nmetadata:\n  name: "unterminated\n', 'yaml'));
    expect(err.code).toBe('MALFORMED');
    expect(err.errors[0]).toMatchObject({ document: 1, reason: 'SyntaxError', path: '' });
    expect(err.errors[0]!.line).toBeGreaterThanOrEqual(2);
    expect(err.errors[0]!.column).toBeGreaterThanOrEqual(1);
  });

  it('gives the exact position of a bad token', () => {
    const err = caught(() => parseManifestBody('a: 1\nb: "x" y\n', 'yaml'));
    expect(err.errors[0]).toEqual({ document: 0, path: '', reason: 'SyntaxError', message: 'Unexpected scalar at node end', line: 2, column: 8 });
  });

  it('rejects a bare scalar as FieldValueTypeInvalid at ""', () => {
    const err = caught(() => parseManifestBody('just text', 'yaml'));
    expect(err.code).toBe('MALFORMED');
    expect(err.errors[0]).toMatchObject({ document: 0, path: '', reason: 'FieldValueTypeInvalid' });
  });

  it('rejects scalar items inside an array', () => {
    const err = caught(() => parseManifestBody('- kind: Pod\n- 3\n', 'yaml'));
    expect(err.errors[0]).toMatchObject({ path: '[1]', reason: 'FieldValueTypeInvalid' });
  });

  it('expands arrays and Lists, giving List items lacking kind the element kind', () => {
    const yaml = [
      'kind: PodList',
      'apiVersion: v1',
      'items:',
      '- metadata: {name: a}',
      '- kind: Pod',
      '  apiVersion: v1',
      '  metadata: {name: b}',
      '---',
      '- {kind: Namespace, apiVersion: v1, metadata: {name: x}}',
      '---',
      'kind: List',
      'apiVersion: v1',
      'items: [{kind: Service, apiVersion: v1, metadata: {name: s}}]',
    ].join('\n');
    const docs = parseManifestBody(yaml, 'yaml');
    expect(docs.map((d) => [d.index, d.itemPath, (d.object as { kind: string }).kind])).toEqual([
      [0, ['items', 0], 'Pod'],
      [0, ['items', 1], 'Pod'],
      [1, [0], 'Namespace'],
      [2, ['items', 0], 'Service'],
    ]);
    expect((docs[0]!.object as { apiVersion: string }).apiVersion).toBe('v1');
  });

  it('locates fields inside items', () => {
    const docs = parseManifestBody('kind: PodList\nitems:\n- metadata:\n    name: a\n  spec:\n    x: 1\n', 'yaml');
    expect(docs[0]!.locate(['spec', 'x'])).toEqual({ line: 6, column: 8 });
    // A missing field falls back to its nearest existing ancestor.
    expect(docs[0]!.locate(['spec', 'missing'])).toEqual({ line: 6, column: 5 });
  });
});

describe('parseManifestBody (JSON)', () => {
  it('parses an object and locates its fields', () => {
    const docs = parseManifestBody('{\n  "kind": "Pod",\n  "spec": {"a": 1}\n}', 'json');
    expect(docs).toHaveLength(1);
    expect(docs[0]!.locate(['spec', 'a'])).toEqual({ line: 3, column: 17 });
  });

  it('reports a JSON syntax error as MALFORMED with a position', () => {
    const err = caught(() => parseManifestBody('{\n  "kind": "Pod",\n  oops\n}', 'json'));
    expect(err.code).toBe('MALFORMED');
    expect(err.errors[0]).toMatchObject({ reason: 'SyntaxError', line: 3 });
  });

  it('rejects a JSON scalar', () => {
    expect(caught(() => parseManifestBody('42', 'json')).errors[0]).toMatchObject({ reason: 'FieldValueTypeInvalid', path: '' });
  });
});
