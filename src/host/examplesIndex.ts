/**
 * Reading `examples/index.json` (the chapter's examples with section numbers and en/ko titles).
 * Pure and tolerant: it accepts a flat list or a list of sections, and skips malformed entries
 * rather than failing, since the Examples view should show whatever is usable.
 */
export interface Bilingual {
  en: string;
  ko: string;
}

export interface ExampleEntry {
  /** File name inside `examples/`, e.g. `buy-apple.backprop`. */
  file: string;
  /** Section number of the book, e.g. "5.4". */
  section: string;
  title: Bilingual;
  description?: Bilingual;
  /** The book's figures the example reproduces ("5-16"), shown in the panel's caption. */
  figures?: string[];
}

export interface ExampleSection {
  section: string;
  title: Bilingual;
  examples: ExampleEntry[];
}

type Json = unknown;

function rec(x: Json): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function text(x: Json): Bilingual | undefined {
  if (typeof x === 'string') return { en: x, ko: x };
  const r = rec(x);
  if (!r) return undefined;
  const en = typeof r.en === 'string' ? r.en : undefined;
  const ko = typeof r.ko === 'string' ? r.ko : undefined;
  if (en === undefined && ko === undefined) return undefined;
  return { en: en ?? ko ?? '', ko: ko ?? en ?? '' };
}

function sectionOf(x: Json): string | undefined {
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string' && x.trim() !== '') return x.trim();
  return undefined;
}

/** A safe file name: no folders, no `..`, ends in `.backprop`. */
export function isSafeExampleFile(f: string): boolean {
  return /^[A-Za-z0-9_.-]+\.backprop$/.test(f) && !f.startsWith('.');
}

/** The n-th alternative name for a copy of an example: `buy-apple-2.backprop` for n = 2. */
export function numberedCopyName(file: string, n: number): string {
  const stem = file.replace(/\.backprop$/, '');
  return `${stem}-${n}.backprop`;
}

function entry(x: Json, inheritedSection?: string): ExampleEntry | undefined {
  const r = rec(x);
  if (!r) return undefined;
  const rawFile = [r.file, r.path, r.name].find((v) => typeof v === 'string') as string | undefined;
  const file = rawFile?.replace(/^\.?\/?examples\//, '').replace(/^\.\//, '');
  if (!file || !isSafeExampleFile(file)) return undefined;
  const section = sectionOf(r.section) ?? sectionOf(r.sectionNumber) ?? inheritedSection ?? '';
  const title = text(r.title) ?? { en: file, ko: file };
  const description = text(r.description) ?? text(r.summary);
  const out: ExampleEntry = description ? { file, section, title, description } : { file, section, title };
  const figures = Array.isArray(r.figures) ? r.figures.filter((f): f is string => typeof f === 'string' && /^[0-9A-Za-z.-]{1,12}$/.test(f)) : [];
  if (figures.length) out.figures = figures;
  return out;
}

/** File name → the book's figures, over every example that names some. */
export function figuresByFile(sections: readonly ExampleSection[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of sections) for (const e of s.examples) if (e.figures?.length) out.set(e.file, e.figures);
  return out;
}

/** Compares "5.4" < "5.6" < "5.10" numerically, part by part. */
export function compareSections(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

/** Chapter 5's section titles, used when index.json does not name its sections. */
export const CHAPTER5_SECTIONS: Record<string, Bilingual> = {
  '5.1': { en: 'Computational graphs', ko: '계산 그래프' },
  '5.2': { en: 'The chain rule', ko: '연쇄법칙' },
  '5.3': { en: 'Backpropagation', ko: '역전파' },
  '5.4': { en: 'Simple layers', ko: '단순한 계층 구현하기' },
  '5.5': { en: 'Activation function layers', ko: '활성화 함수 계층 구현하기' },
  '5.6': { en: 'Affine and Softmax layers', ko: 'Affine/Softmax 계층 구현하기' },
  '5.7': { en: 'Implementing backpropagation', ko: '오차역전파법 구현하기' },
};

/** The group an example belongs to: its section cut to two levels ("5.4.1" → "5.4"). */
export function groupOf(section: string): string {
  const parts = section.split('.');
  return parts.length > 2 ? parts.slice(0, 2).join('.') : section;
}

/** Parses index.json (any of the accepted shapes) into sections in book order. */
export function parseExamplesIndex(json: Json): ExampleSection[] {
  const root = rec(json);
  const list: Json[] = Array.isArray(json) ? json : Array.isArray(root?.examples) ? (root.examples as Json[]) : [];
  const sectionTitles = new Map<string, Bilingual>();
  const entries: ExampleEntry[] = [];
  for (const x of list) {
    const e = entry(x);
    if (e) entries.push(e);
    const r = rec(x);
    const st = r ? text(r.sectionTitle) : undefined;
    if (e && st) sectionTitles.set(e.section, st);
  }
  if (root && Array.isArray(root.sections)) {
    for (const s of root.sections as Json[]) {
      const r = rec(s);
      if (!r) continue;
      const num = sectionOf(r.section) ?? sectionOf(r.number) ?? sectionOf(r.id) ?? '';
      const st = text(r.title);
      if (st) sectionTitles.set(num, st);
      if (Array.isArray(r.examples)) {
        for (const x of r.examples as Json[]) {
          const e = entry(x, num);
          if (e) entries.push(e);
        }
      }
    }
  }
  // Object maps like { "sections": { "5.4": { en, ko } } } also give section titles.
  const sectionMap = root ? rec(root.sectionTitles) ?? rec(root.sections) : undefined;
  if (sectionMap) {
    for (const [k, v] of Object.entries(sectionMap)) {
      const st = text(v);
      if (st) sectionTitles.set(k, st);
    }
  }
  const bySection = new Map<string, ExampleEntry[]>();
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.file)) continue;
    seen.add(e.file);
    const group = sectionTitles.has(e.section) ? e.section : groupOf(e.section);
    const list2 = bySection.get(group) ?? [];
    list2.push(e);
    bySection.set(group, list2);
  }
  return [...bySection.entries()]
    .sort(([a], [b]) => compareSections(a, b))
    .map(([section, examples]) => ({
      section,
      title: sectionTitles.get(section) ?? CHAPTER5_SECTIONS[section] ?? { en: section, ko: section },
      examples: [...examples].sort((a, b) => compareSections(a.section, b.section)),
    }));
}

/** Picks the Korean or English text by a VS Code display language such as "ko" or "en-us". */
export function localized(t: Bilingual, language: string): string {
  return language.toLowerCase().startsWith('ko') ? t.ko : t.en;
}
