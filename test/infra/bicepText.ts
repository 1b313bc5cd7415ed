import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Text helpers for the infra tests. There is no Bicep compiler here, so the tests read the Bicep as text; the only
 * parsing is a scanner that knows Bicep strings (with `${}` interpolation), multi-line strings and comments, so that
 * braces and keys inside them are never mistaken for structure.
 */

/** Absolute path of the repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Reads a repository file as UTF-8 text. */
export function readRepoFile(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8');
}

/** Every `.bicep` file under infra/, as repository-relative paths with forward slashes. */
export function listBicepFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.bicep')) out.push(relative(repoRoot, full).split('\\').join('/'));
    }
  };
  walk(join(repoRoot, 'infra'));
  return out.sort();
}

/** A string literal or comment found by {@link scanBicep}: [from, to) offsets. */
interface Literal {
  readonly kind: 'string' | 'comment';
  readonly from: number;
  readonly to: number;
}

/** Finds every string literal (with nested `${}` interpolations) and comment in Bicep text. */
function scanBicep(text: string): Literal[] {
  const found: Literal[] = [];
  // Scans a '...' string from its opening quote; returns the index after the closing quote.
  const scanString = (start: number): number => {
    let i = start + 1;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === "'") return i + 1;
      else if (c === '$' && text[i + 1] === '{') i = scanExpression(i + 2);
      else i++;
    }
    return i;
  };
  // Scans an interpolation body up to its closing brace; returns the index after it.
  const scanExpression = (start: number): number => {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const c = text[i];
      if (c === "'") i = scanString(i);
      else if (c === '{') { depth++; i++; }
      else if (c === '}') { if (depth === 0) return i + 1; depth--; i++; }
      else i++;
    }
    return i;
  };
  const until = (needle: string, from: number, extra: number): number => {
    const at = text.indexOf(needle, from);
    return at < 0 ? text.length : at + extra;
  };
  let i = 0;
  while (i < text.length) {
    let literal: Literal | undefined;
    if (text.startsWith("'''", i)) literal = { kind: 'string', from: i, to: until("'''", i + 3, 3) };
    else if (text[i] === "'") literal = { kind: 'string', from: i, to: scanString(i) };
    else if (text.startsWith('//', i)) literal = { kind: 'comment', from: i, to: until('\n', i, 0) };
    else if (text.startsWith('/*', i)) literal = { kind: 'comment', from: i, to: until('*/', i + 2, 2) };
    if (literal) {
      found.push(literal);
      i = literal.to;
    } else i++;
  }
  return found;
}

/**
 * Returns `text` with every string literal and comment replaced by spaces (newlines kept), so offsets still line up
 * with the original while the braces, brackets and colons that remain are real structure.
 */
export function maskBicep(text: string): string {
  const out = text.split('');
  for (const { from, to } of scanBicep(text)) {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  }
  return out.join('');
}

/** The text with comments removed (strings kept), so that explanatory comments never satisfy or fail a search. */
export function stripComments(text: string): string {
  let out = '';
  let last = 0;
  for (const { kind, from, to } of scanBicep(text)) {
    if (kind !== 'comment') continue;
    out += text.slice(last, from);
    last = to;
  }
  return out + text.slice(last);
}

/** A balanced `{...}` or `[...]` region: offsets of the opening and closing characters. */
export interface Block {
  readonly start: number;
  readonly end: number;
}

/** Finds the first `{` or `[` at or after `from` (outside strings and comments) and its matching closer. */
export function findBlock(text: string, from: number): Block {
  const masked = maskBicep(text);
  let start = -1;
  for (let i = from; i < masked.length; i++) {
    if (masked[i] === '{' || masked[i] === '[') { start = i; break; }
  }
  if (start < 0) throw new Error(`Expected a block after offset ${from} but received none`);
  let depth = 0;
  for (let i = start; i < masked.length; i++) {
    const c = masked[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return { start, end: i };
    }
  }
  throw new Error(`Expected a closing bracket for the block at offset ${start} but received end of text`);
}

/** Identifier keys written directly inside an object block (nested objects are not descended into). */
export function topLevelKeys(text: string, block: Block): string[] {
  const masked = maskBicep(text);
  const keys: string[] = [];
  let depth = 0;
  let lineStart = block.start + 1;
  for (let i = block.start + 1; i < block.end; i++) {
    const c = masked[i];
    if (c === '\n') lineStart = i + 1;
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ':' && depth === 0) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(masked.slice(lineStart, i));
      if (m) keys.push(m[1]!);
    }
  }
  return keys;
}

/** The block that follows the first match of `anchor` in `text`, or an error naming the file if there is none. */
export function blockAfter(text: string, anchor: RegExp | string, fileName: string): Block {
  const at = typeof anchor === 'string' ? text.indexOf(anchor) : text.search(anchor);
  if (at < 0) throw new Error(`Expected ${String(anchor)} in ${fileName} but received no match`);
  return findBlock(text, at);
}

/** Declared parameters of a Bicep file: name, and the default value text when there is one. */
export function bicepParams(text: string): Map<string, string | undefined> {
  const params = new Map<string, string | undefined>();
  for (const m of stripComments(text).matchAll(/^param\s+(\w+)\s+[^=\n]+?(?:=\s*(.+))?$/gm)) {
    params.set(m[1]!, m[2]?.trim());
  }
  return params;
}

/** Names of the outputs of a Bicep file. */
export function bicepOutputs(text: string): string[] {
  return [...stripComments(text).matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
}
