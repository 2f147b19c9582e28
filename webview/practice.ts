/**
 * Practice mode ("Backprop: Practice Backward Pass"): at each backward step the gradients the node
 * sends to its inputs stay hidden until the student types them. Answers are numbers as a student
 * writes them — `2.2`, `-0.25`, `11/5`, `1/4`, a list `[0.5, -0.5]` or rows `[[1, 0], [0, 1]]` — and
 * are right within the precision they are written to. The score is kept per file.
 */
import type { TensorData } from '../src/shared/protocol';
import { edgeKey } from './model';

export interface Score {
  right: number;
  wrong: number;
}

/** One number: a decimal (with − or -) or a fraction `a/b`; undefined when it is neither. */
function parseNumber(token: string): { value: number; tolerance: number } | undefined {
  const t = token.replace(/[−–]/g, '-');
  const frac = /^([+-]?\d+(?:\.\d+)?)\/([+-]?\d+(?:\.\d+)?)$/.exec(t);
  if (frac) {
    const den = Number(frac[2]);
    if (den === 0) return undefined;
    return { value: Number(frac[1]) / den, tolerance: 0 };
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  const value = Number(t);
  if (!Number.isFinite(value)) return undefined;
  // "0.31" stands for anything that rounds to it, once at least two significant digits are given.
  const mantissa = t.replace(/e.*$/i, '').replace(/^[+-]/, '');
  const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
  const significant = mantissa.replace('.', '').replace(/^0+/, '').length;
  const exp = /e([+-]?\d+)$/i.exec(t);
  const tolerance = significant >= 2 ? 0.5 * 10 ** (-decimals + (exp ? Number(exp[1]) : 0)) : 0;
  return { value, tolerance };
}

/** Every number of an answer, in row-major order; undefined when something is not a number. */
export function parseAnswer(text: string): { value: number; tolerance: number }[] | undefined {
  const tokens = text
    .replace(/[[\]()]/g, ' ')
    .split(/[\s,;]+/)
    .filter((x) => x !== '');
  if (tokens.length === 0 || tokens.length > 10000) return undefined;
  const out: { value: number; tolerance: number }[] = [];
  for (const token of tokens) {
    const n = parseNumber(token);
    if (!n) return undefined;
    out.push(n);
  }
  return out;
}

/** Whether an answer matches a gradient: same number of values, each within its precision. */
export function checkAnswer(text: string, expected: TensorData): 'right' | 'wrong' | 'invalid' {
  const answer = parseAnswer(text);
  if (!answer) return 'invalid';
  if (answer.length !== expected.data.length) return 'wrong';
  const ok = answer.every((a, i) => {
    const e = expected.data[i];
    return Math.abs(a.value - e) <= Math.max(a.tolerance, 1e-9) + 1e-6 * Math.abs(e);
  });
  return ok ? 'right' : 'wrong';
}

export class Practice {
  enabled = false;
  /** Answered gradients of the file shown (`edgeKey`), revealed in the graph. */
  private readonly solved = new Set<string>();
  /** Inputs answered wrongly at least once: the rule and the arithmetic are shown for them. */
  private readonly missed = new Set<string>();
  private readonly scores = new Map<string, Score>();
  private uri = '';

  constructor(saved?: Record<string, Score>) {
    for (const [uri, s] of Object.entries(saved ?? {})) this.scores.set(uri, { right: s.right, wrong: s.wrong });
  }

  /** A new file (or the same one again): answers start over, the score stays. */
  setFile(uri: string): void {
    if (uri !== this.uri) {
      this.solved.clear();
      this.missed.clear();
    }
    this.uri = uri;
  }

  isSolved(to: number, index: number): boolean {
    return this.solved.has(edgeKey(to, index));
  }

  isMissed(to: number, index: number): boolean {
    return this.missed.has(edgeKey(to, index));
  }

  /** Records an answer for the gradient sent into argument `index` of node `to`. */
  answer(to: number, index: number, result: 'right' | 'wrong'): void {
    const s = this.score();
    const key = edgeKey(to, index);
    if (result === 'right') {
      if (!this.solved.has(key)) s.right++;
      this.solved.add(key);
    } else {
      s.wrong++;
      this.missed.add(key);
    }
    this.scores.set(this.uri, s);
  }

  score(): Score {
    const s = this.scores.get(this.uri);
    return s ? { ...s } : { right: 0, wrong: 0 };
  }

  /** For the webview state. */
  allScores(): Record<string, Score> {
    return Object.fromEntries(this.scores);
  }
}

