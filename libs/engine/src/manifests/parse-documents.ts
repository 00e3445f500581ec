import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type Node } from 'yaml';
import { DomainError, formatFieldPath, type FieldError } from '../errors/domain-error';
import { repairYamlWhitespace, type YamlRepair } from './yaml-repair';

/**
 * Turns a request body (YAML stream or JSON) into the objects it carries, one per Kubernetes
 * object: arrays and `…List` kinds are expanded so later stages never see containers.
 */
export type FieldPathSegment = string | number;

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface ParsedDocument {
  /** 0-based document number in the body (counting every `---` separated document). */
  index: number;
  /** Where the object sits inside its document: [] at top level, ['items', 3] in a List, [3] in an array. */
  itemPath: FieldPathSegment[];
  object: unknown;
  /** Source position of a field path inside `object` (the nearest existing ancestor if it is absent). */
  locate(path: FieldPathSegment[]): SourcePosition | undefined;
  /** Whitespace the YAML reader had to repair in this document (see yaml-repair.ts); absent when none. */
  warnings?: FieldError[];
}

export type BodyFormat = 'yaml' | 'json';

type Locator = (fullPath: FieldPathSegment[]) => SourcePosition | undefined;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks YAML nodes along the path, stopping at the deepest node that exists. */
function nodeLocator(doc: Document, lineCounter: LineCounter): Locator {
  return (fullPath) => {
    let node: unknown = doc.contents;
    for (const segment of fullPath) {
      let child: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(segment));
        child = pair?.value ?? pair?.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        child = node.items[segment];
      }
      if (!child) break;
      node = child;
    }
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const pos = lineCounter.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };
}

function malformed(message: string, errors: FieldError[]): DomainError {
  return new DomainError('MALFORMED', message, errors);
}

/** Expands arrays and `…List` objects into their items; rejects anything that is not an object. */
function expand(index: number, value: unknown, locate: Locator, out: ParsedDocument[], warnings: FieldError[] = []): void {
  const push = (itemPath: FieldPathSegment[], object: unknown): void => {
    const doc: ParsedDocument = { index, itemPath, object, locate: (path) => locate([...itemPath, ...path]) };
    if (warnings.length) doc.warnings = warnings.map((w) => ({ ...w }));
    out.push(doc);
  };
  const notAnObject = (path: FieldPathSegment[]): DomainError => {
    const pos = locate(path);
    return malformed(`document ${index} is not a Kubernetes object`, [
      {
        document: index,
        path: formatFieldPath(path),
        reason: 'FieldValueTypeInvalid',
        message: 'expected an object (or an array or List of objects)',
        ...(pos ?? {}),
      },
    ]);
  };

  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (!isPlainObject(item)) throw notAnObject([i]);
      push([i], item);
    });
    return;
  }
  if (!isPlainObject(value)) throw notAnObject([]);

  const kind = value['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
    // `kubectl get -o json|yaml` lists: items of a typed list (PodList, NamespaceList) may omit
    // kind and apiVersion, which are then those of the list's element type.
    const elementKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    value['items'].forEach((item, i) => {
      if (!isPlainObject(item)) throw notAnObject(['items', i]);
      let object = item;
      if (elementKind && object['kind'] === undefined) {
        object = { ...object, kind: elementKind };
        if (object['apiVersion'] === undefined && value['apiVersion'] !== undefined) object = { apiVersion: value['apiVersion'], ...object };
      }
      push(['items', i], object);
    });
    return;
  }
  push([], value);
}

function readYamlStream(text: string): { list: Document.Parsed[]; lineCounter: LineCounter; errors: FieldError[] } {
  const lineCounter = new LineCounter();
  // merge: Kubernetes' YAML decoder honours `<<` merge keys; aliases are capped by the default maxAliasCount.
  const docs = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const errors: FieldError[] = [];
  list.forEach((doc, index) => {
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      errors.push({ document: index, path: '', reason: 'SyntaxError', message: err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), line: pos.line, column: pos.col });
    }
  });
  return { list, lineCounter, errors };
}

function parseYaml(text: string): ParsedDocument[] {
  let stream = readYamlStream(text);
  let repairs: YamlRepair[] = [];
  if (stream.errors.length) {
    // Two whitespace slips go-yaml (kubectl) reads unambiguously; repaired only if the whole stream then parses.
    const repaired = repairYamlWhitespace(text, (t) => readYamlStream(t).list.flatMap((d) => d.errors));
    if (repaired) {
      const again = readYamlStream(repaired.text);
      if (!again.errors.length) {
        stream = again;
        repairs = repaired.repairs;
      }
    }
  }
  const { list, lineCounter, errors } = stream;
  if (errors.length) throw malformed('the body is not valid YAML', errors);

  const out: ParsedDocument[] = [];
  list.forEach((doc, index) => {
    // An empty document (a trailing `---`, a comment only) carries nothing.
    if (doc.contents === null) return;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const first = lineCounter.linePos(doc.range[0]).line;
    const last = lineCounter.linePos(doc.range[2]).line;
    const warnings: FieldError[] = repairs
      .filter((r) => r.line >= first && r.line <= last)
      .map((r) => ({ document: index, path: '', reason: 'SyntaxError', message: r.message, line: r.line, column: 1 }));
    expand(index, value, nodeLocator(doc, lineCounter), out, warnings);
  });
  return out;
}

/** V8's messages carry either `position N` or `(line L column C)`; use whichever is there. */
function jsonErrorPosition(text: string, message: string): SourcePosition | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const p = /position (\d+)/.exec(message);
  if (!p) return undefined;
  const offset = Number(p[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJson(text: string): ParsedDocument[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const pos = jsonErrorPosition(text, message);
    throw malformed('the body is not valid JSON', [{ document: 0, path: '', reason: 'SyntaxError', message, ...(pos ?? {}) }]);
  }
  // JSON is YAML 1.2, so the YAML parser gives node positions; if it disagrees (duplicate keys),
  // positions are just unknown. Only problems need positions, and most bodies have none: the
  // YAML parse (several times JSON.parse's cost) runs on the first position asked for.
  let locator: Locator | undefined;
  const locate: Locator = (path) => {
    if (!locator) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter });
      locator = doc.errors.length ? () => undefined : nodeLocator(doc, lineCounter);
    }
    return locator(path);
  };
  const out: ParsedDocument[] = [];
  expand(0, value, locate, out);
  return out;
}

export function parseManifestBody(text: string, format: BodyFormat): ParsedDocument[] {
  return format === 'json' ? parseJson(text) : parseYaml(text);
}
