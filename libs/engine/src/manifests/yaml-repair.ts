import type { YAMLError } from 'yaml';

/**
 * go-yaml, which kubectl and the API server's YAML decoder use, reads two indentation slips
 * that the `yaml` package rejects under YAML 1.2 (no option of the package relaxes them; its
 * `strict: false` only affects composition, not these lexer checks):
 *
 * 1. a line inside a flow collection (`[ … ]`, `{ … }`) indented with a tab;
 * 2. a continuation line of a multi-line quoted scalar indented no deeper than its key
 *    (`config: '{` … `  }'` with the closing line at the key's indentation).
 *
 * In both, indentation carries no meaning (flow content and the leading whitespace of a flow
 * scalar's continuation lines are discarded), so replacing that leading whitespace by enough
 * spaces yields exactly the values go-yaml reads. Only the lines the parser's errors point
 * at are touched, only their leading whitespace changes, and the caller keeps the repair only
 * if the whole stream then parses without any error: other syntax errors stay errors.
 */
export interface YamlRepair {
  /** 1-based line of the repaired text (line numbers do not change). */
  line: number;
  message: string;
}

interface Edit {
  /** Offset of the line start. */
  at: number;
  /** Length of the leading whitespace replaced. */
  remove: number;
  insert: string;
  repair: YamlRepair;
}

const MAX_ROUNDS = 4;

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineNumberOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function leadingWhitespace(text: string, lineStart: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart, text.indexOf('\n', lineStart) === -1 ? undefined : text.indexOf('\n', lineStart)))![0];
}

/** Opening quote of the quoted scalar that contains `offset`, scanning backwards. */
function openingQuote(text: string, offset: number, quote: string): number | undefined {
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === "'") {
      if (text[i - 1] === "'") {
        i--; // '' is an escaped quote
        continue;
      }
      return i;
    }
    let backslashes = 0;
    while (text[i - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return undefined;
}

/** Closing quote of the quoted scalar opened at `open`. */
function closingQuote(text: string, open: number, quote: string): number | undefined {
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] !== quote) continue;
    if (quote === "'" && text[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return undefined;
}

function quotedScalarEdits(text: string, error: YAMLError): Edit[] {
  const quote = /^Missing closing (['"])quote/.exec(error.message)?.[1];
  if (!quote) return [];
  const open = openingQuote(text, error.pos[0], quote);
  if (open === undefined) return [];
  const close = closingQuote(text, open, quote);
  if (close === undefined) return [];
  const openLine = lineStartOf(text, open);
  // Continuation lines must be deeper than the key: the first character after indentation and `- ` markers.
  const keyColumn = /^[ \t]*(?:-[ \t]+)*/.exec(text.slice(openLine, open))![0].length;
  const edits: Edit[] = [];
  for (let at = text.indexOf('\n', open) + 1; at > 0 && at <= close; at = text.indexOf('\n', at) + 1) {
    const ws = leadingWhitespace(text, at);
    const rest = text.slice(at + ws.length, at + ws.length + 1);
    if (rest === '' || rest === '\n' || rest === '\r') continue; // blank lines fold; their indentation is irrelevant
    if (ws.includes('\t') || ws.length <= keyColumn) {
      const line = lineNumberOf(text, at);
      edits.push({
        at,
        remove: ws.length,
        insert: ' '.repeat(Math.max(ws.length, keyColumn + 1)),
        repair: { line, message: `line ${line}: continuation line of a quoted scalar is not indented deeper than its key; read as go-yaml does (indentation ignored)` },
      });
    }
  }
  return edits;
}

function flowTabEdits(text: string, error: YAMLError): Edit[] {
  if (error.code !== 'BAD_INDENT' || !/^Flow (sequence|mapping)/.test(error.message)) return [];
  const at = lineStartOf(text, error.pos[0]);
  const ws = leadingWhitespace(text, at);
  if (!ws.includes('\t')) return [];
  // Take the previous non-blank line's indentation when deeper: the line then lines up with its siblings.
  let previous = 0;
  for (let p = lineStartOf(text, at - 1); p >= 0 && p < at; p = lineStartOf(text, p - 1)) {
    const pws = leadingWhitespace(text, p);
    const rest = text.slice(p + pws.length, p + pws.length + 1);
    if (rest !== '\n' && rest !== '\r' && rest !== '') {
      previous = pws.replace(/\t/g, ' ').length;
      break;
    }
    if (p === 0) break;
  }
  const line = lineNumberOf(text, at);
  return [
    {
      at,
      remove: ws.length,
      insert: ' '.repeat(Math.max(ws.length, previous)),
      repair: { line, message: `line ${line}: tab in the indentation of a flow collection; read as go-yaml does (whitespace ignored)` },
    },
  ];
}

/**
 * Returns the repaired text and what was repaired, or undefined when no error is of the two
 * kinds above. `parseErrors` parses a text and returns its errors.
 */
export function repairYamlWhitespace(text: string, parseErrors: (text: string) => YAMLError[]): { text: string; repairs: YamlRepair[] } | undefined {
  let current = text;
  const repairs: YamlRepair[] = [];
  let errors = parseErrors(current);
  for (let round = 0; round < MAX_ROUNDS && errors.length; round++) {
    const byLine = new Map<number, Edit>();
    for (const error of errors) for (const edit of [...quotedScalarEdits(current, error), ...flowTabEdits(current, error)]) byLine.set(edit.at, edit);
    if (!byLine.size) break;
    for (const edit of [...byLine.values()].sort((a, b) => b.at - a.at)) {
      current = current.slice(0, edit.at) + edit.insert + current.slice(edit.at + edit.remove);
      repairs.push(edit.repair);
    }
    errors = parseErrors(current);
  }
  return repairs.length ? { text: current, repairs: repairs.sort((a, b) => a.line - b.line) } : undefined;
}
