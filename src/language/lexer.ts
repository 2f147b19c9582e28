/**
 * Lexer for the `.backprop` language.
 *
 * Produces a flat token list with 1-based ranges (columns count UTF-16 code units, as VS Code
 * does). Comments (`#` to end of line) are dropped; line breaks become `newline` tokens because a
 * statement ends at the end of its line. A character the language does not know becomes an
 * `invalid` token plus a diagnostic, so the parser can skip that statement without a second,
 * confusing message.
 */
import type { SourcePosition, SourceRange } from '../engine/graph';
import type { Diagnostic } from './diagnostics';

export type TokenKind =
  | 'number'
  | 'string'
  | 'ident'
  | 'newline'
  | 'eof'
  | 'invalid'
  | '+'
  | '-'
  | '*'
  | '/'
  | '@'
  | '**'
  | '='
  | '+='
  | '-='
  | '*='
  | '/='
  | '@='
  | '**='
  | '('
  | ')'
  | '['
  | ']'
  | ',';

/** A name as the language compares it: Unicode NFC (editor features normalise the same way). */
export function normalizeName(text: string): string {
  return text.normalize('NFC');
}

export interface Token {
  readonly kind: TokenKind;
  /** The exact source text of the token (names: NFC-normalised, see `normalizeName`). */
  readonly text: string;
  readonly range: SourceRange;
  /** `number` tokens only: the parsed value (may be Infinity for `1e999`; the parser reports it). */
  readonly value?: number;
  /** `string` tokens only: the text between the quotes, escapes resolved. */
  readonly str?: string;
}

/** Augmented assignments (`x += 1`) and the operator each applies. */
export const AUGMENTED: Readonly<Partial<Record<TokenKind, '+' | '-' | '*' | '/' | '@' | '**'>>> = {
  '+=': '+',
  '-=': '-',
  '*=': '*',
  '/=': '/',
  '@=': '@',
  '**=': '**',
};

/** Longest string literal: a file name, so a few hundred characters are plenty. */
const MAX_STRING_LENGTH = 1_000;

const SINGLE: Record<string, TokenKind> = {
  '+': '+',
  '-': '-',
  '/': '/',
  '@': '@',
  '=': '=',
  '(': '(',
  ')': ')',
  '[': '[',
  ']': ']',
  ',': ',',
};

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
/** Letters of any script (so `사과 = 100` works, as in Python 3) and `_`. */
const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Mn}\p{Mc}\p{Nd}_]/u;

function isIdentStart(c: string): boolean {
  return c !== '' && IDENT_START.test(c);
}
function isIdentPart(c: string): boolean {
  return c !== '' && IDENT_PART.test(c);
}

/**
 * The name (as the lexer reads names) at a 0-based UTF-16 column of one line of text, or just
 * before it: its start and end columns (end exclusive). For the editor where the compiled
 * identifiers do not apply (a traced Python script, text edited since the last compile).
 */
export function nameAt(line: string, column: number): { start: number; end: number } | undefined {
  let i = 0;
  while (i < line.length && i <= column) {
    const c = charAt(line, i);
    if (!isIdentStart(c)) {
      i += c.length || 1;
      continue;
    }
    let j = i + c.length;
    for (let d = charAt(line, j); isIdentPart(d); d = charAt(line, j)) j += d.length;
    if (column <= j) return { start: i, end: j };
    i = j;
  }
  return undefined;
}

/** The code point at `i` as a string (one or two UTF-16 units). */
function charAt(source: string, i: number): string {
  const cp = source.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Describes a character for an error message, so invisible ones are still readable. */
function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (INVISIBLE.test(c)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${c}'`;
}

const SPACE = /\p{Zs}/u;
/** Control, format and unassigned characters: shown by code point, since they cannot be seen. */
const INVISIBLE = /[\p{C}\p{Z}]/u;

/** A hint for a character the language does not know. */
function hintFor(c: string): string {
  const known = HINTS[c];
  if (known !== undefined) return known;
  const code = c.codePointAt(0) ?? 0;
  // Full-width forms (U+FF01 … U+FF5E), e.g. from a Korean or Japanese input method.
  if (code >= 0xff01 && code <= 0xff5e) return ` (a full-width character; type the ASCII '${String.fromCharCode(code - 0xfee0)}')`;
  return '';
}

const HINTS: Record<string, string> = {
  '^': ' (use ** for powers, as in Python)',
  ';': ' (write one statement per line)',
  '{': ' (use [ ] for vectors and matrices)',
  '}': ' (use [ ] for vectors and matrices)',
  '×': ' (use * to multiply)',
  '·': ' (use * to multiply elementwise or @ for a matrix product)',
  '⋅': ' (use * to multiply elementwise or @ for a matrix product)',
  '÷': ' (use / to divide)',
  '−': ' (this is a Unicode minus sign; type the ASCII -)',
};

export interface LexResult {
  tokens: Token[];
  diagnostics: Diagnostic[];
}

export function lex(source: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (offset: number): SourcePosition => ({ line, column: offset - lineStart + 1 });
  const push = (kind: TokenKind, start: number, end: number, value?: number): void => {
    const text = source.slice(start, end);
    tokens.push(value === undefined ? { kind, text, range: { start: pos(start), end: pos(end) } } : { kind, text, range: { start: pos(start), end: pos(end) }, value });
  };

  while (i < source.length) {
    const c = source[i];
    if (c === '\n' || c === '\r') {
      const len = c === '\r' && source[i + 1] === '\n' ? 2 : 1;
      // Zero-width, so an error "at the end of the line" stays inside the line.
      push('newline', i, i);
      i += len;
      line++;
      lineStart = i;
      continue;
    }
    // Any Unicode space (text pasted from a PDF or typed with a Korean IME may hold U+00A0 or
    // U+3000) counts as a space.
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\ufeff' || SPACE.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      const start = i;
      while (isDigit(source[i] ?? '')) i++;
      if (source[i] === '.') {
        i++;
        while (isDigit(source[i] ?? '')) i++;
      }
      if (source[i] === 'e' || source[i] === 'E') {
        let j = i + 1;
        if (source[j] === '+' || source[j] === '-') j++;
        if (isDigit(source[j] ?? '')) {
          i = j;
          while (isDigit(source[i] ?? '')) i++;
        } else {
          // `1e` or `2e+`: the exponent has no digits.
          const end = j;
          diagnostics.push({ message: `the number '${source.slice(start, end)}' has an exponent without digits (write e.g. 1e-3)`, range: { start: pos(start), end: pos(end) }, severity: 'error' });
          push('invalid', start, end);
          i = end;
          continue;
        }
      }
      // `12abc` or `1.2.3`: glue the rest on so the message shows the whole bad word.
      if (isIdentStart(charAt(source, i)) || source[i] === '.') {
        const end = scanWord(source, i);
        const word = source.slice(start, end);
        const hint = numberHint(source.slice(start, i), source.slice(i, end));
        diagnostics.push({ message: `'${word}' is not a number or a name (${hint})`, range: { start: pos(start), end: pos(end) }, severity: 'error' });
        push('invalid', start, end);
        i = end;
        continue;
      }
      push('number', start, i, Number(source.slice(start, i)));
      continue;
    }
    if (isIdentStart(charAt(source, i))) {
      const start = i;
      while (i < source.length && isIdentPart(charAt(source, i))) i += charAt(source, i).length;
      // Names are compared after Unicode NFC normalisation: 'café' typed with é (U+00E9) and with
      // e + a combining accent (U+0301) is one name. The range stays the source's.
      tokens.push({ kind: 'ident', text: normalizeName(source.slice(start, i)), range: { start: pos(start), end: pos(i) } });
      continue;
    }
    if (c === '"' || c === "'") {
      i = lexString(source, i, c, pos, tokens, diagnostics);
      continue;
    }
    if (c === '*') {
      const op = source.startsWith('**=', i) ? '**=' : source.startsWith('**', i) ? '**' : source.startsWith('*=', i) ? '*=' : '*';
      push(op, i, i + op.length);
      i += op.length;
      continue;
    }
    if ((c === '+' || c === '-' || c === '/' || c === '@') && source[i + 1] === '=') {
      push(`${c}=` as TokenKind, i, i + 2);
      i += 2;
      continue;
    }
    const single = SINGLE[c];
    if (single !== undefined) {
      push(single, i, i + 1);
      i++;
      continue;
    }
    // Unknown character: one token per code point (keep surrogate pairs together).
    const cp = source.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = source.slice(i, i + width);
    diagnostics.push({ message: `unexpected character ${describeChar(ch)}${hintFor(ch)}`, range: { start: pos(i), end: pos(i + width) }, severity: 'error' });
    push('invalid', i, i + width);
    i += width;
  }
  push('eof', i, i);
  return { tokens, diagnostics };
}

/**
 * A string literal in single or double quotes, on one line; `\\`, `\"` and `\'` are the only
 * escapes (a Windows path is written with / or doubled backslashes). Returns the index after it.
 */
function lexString(
  source: string,
  start: number,
  quote: string,
  pos: (offset: number) => SourcePosition,
  tokens: Token[],
  diagnostics: Diagnostic[],
): number {
  let i = start + 1;
  let text = '';
  for (;;) {
    const c = source[i];
    if (c === undefined || c === '\n' || c === '\r') {
      const range = { start: pos(start), end: pos(i) };
      diagnostics.push({ message: `this string is never closed: add ${quote} before the end of the line`, range, severity: 'error' });
      tokens.push({ kind: 'invalid', text: source.slice(start, i), range });
      return i;
    }
    if (c === quote) break;
    if (c === '\\' && (source[i + 1] === '\\' || source[i + 1] === '"' || source[i + 1] === "'")) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  const end = i + 1;
  const range = { start: pos(start), end: pos(end) };
  if (text.length > MAX_STRING_LENGTH) {
    diagnostics.push({ message: `this string is ${text.length.toLocaleString('en-US')} characters long; a file name has at most ${MAX_STRING_LENGTH.toLocaleString('en-US')}`, range, severity: 'error' });
    tokens.push({ kind: 'invalid', text: source.slice(start, end), range });
    return end;
  }
  tokens.push({ kind: 'string', text: source.slice(start, end), range, str: text });
  return end;
}

/** Why `digits` + `rest` (e.g. `2x`, `1.2.3`, `0x1f`, `1_000`) is not a number. */
function numberHint(digits: string, rest: string): string {
  if (rest.startsWith('.')) return 'a number has at most one decimal point';
  if (digits === '0' && /^[xob]/i.test(rest)) return 'only decimal numbers are supported, e.g. 31 or 1e-3';
  if (rest.startsWith('_')) return `write numbers without _, e.g. ${(digits + rest).replace(/_/g, '')}`;
  return `names start with a letter or _; to multiply, write ${digits} * ${rest}`;
}

function scanWord(source: string, from: number): number {
  let i = from;
  while (i < source.length && (isIdentPart(charAt(source, i)) || source[i] === '.')) i += charAt(source, i).length;
  return i;
}
