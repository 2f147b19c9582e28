/**
 * Reading `examples/index.json` (the chapter's examples with section numbers and en/ko titles).
 * Pure and tolerant: it accepts a flat list or a list of sections, and skips malformed entries
 * rather than failing, since the Examples view should show whatever is usable. What is accepted is
 * written as valibot schemas below; `parseExamplesIndex` assembles the sections from what they read.
 */
import * as v from 'valibot';
import { RecordSchema } from '../shared/schema';

/** Optional: a missing or malformed value reads as absent. */
const opt = <T>(schema: v.GenericSchema<unknown, T>) => v.fallback(v.optional(schema), undefined);

/** A list whose malformed items are skipped (the others kept). */
const listOf = <T>(item: v.GenericSchema<unknown, T>) =>
  v.pipe(
    v.array(v.unknown()),
    v.transform((xs) => xs.flatMap((x) => {
      const r = v.safeParse(item, x);
      return r.success ? [r.output] : [];
    })),
  );

/** A title or description: one string for both languages, or `{ en, ko }` (one of them may be missing). */
const BilingualSchema = v.union([
  v.pipe(v.string(), v.transform((s) => ({ en: s, ko: s }))),
  v.pipe(
    RecordSchema,
    v.looseObject({ en: opt(v.string()), ko: opt(v.string()) }),
    v.check((t) => t.en !== undefined || t.ko !== undefined, 'neither en nor ko'),
    v.transform((t) => ({ en: t.en ?? t.ko ?? '', ko: t.ko ?? t.en ?? '' })),
  ),
]);

export type Bilingual = v.InferOutput<typeof BilingualSchema>;

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

/** A section number: "5.4", or 5.4 written as a number. */
const SectionNumberSchema = v.union([v.pipe(v.number(), v.transform(String)), v.pipe(v.string(), v.trim(), v.nonEmpty())]);

/** A figure of the book: "5-16". */
const FigureSchema = v.pipe(v.string(), v.regex(/^[0-9A-Za-z.-]{1,12}$/));

/** A safe file name: no folders, no `..`, ends in `.backprop`. */
export function isSafeExampleFile(f: string): boolean {
  return /^[A-Za-z0-9_.-]+\.backprop$/.test(f) && !f.startsWith('.');
}

/** The n-th alternative name for a copy of an example: `buy-apple-2.backprop` for n = 2. */
export function numberedCopyName(file: string, n: number): string {
  const stem = file.replace(/\.backprop$/, '');
  return `${stem}-${n}.backprop`;
}

/**
 * One example: its file (as `file`, `path` or `name`, the first that is a string; a leading
 * `examples/` or `./` is dropped) must be a safe example file name, or the entry is skipped.
 */
const EntrySchema = v.pipe(
  RecordSchema,
  v.looseObject({
    file: opt(v.string()),
    path: opt(v.string()),
    name: opt(v.string()),
    section: opt(SectionNumberSchema),
    sectionNumber: opt(SectionNumberSchema),
    title: opt(BilingualSchema),
    description: opt(BilingualSchema),
    summary: opt(BilingualSchema),
    figures: opt(listOf(FigureSchema)),
    /** The title of the entry's section (flat lists). */
    sectionTitle: opt(BilingualSchema),
  }),
  v.transform((r) => ({
    file: (r.file ?? r.path ?? r.name)?.replace(/^\.?\/?examples\//, '').replace(/^\.\//, ''),
    section: r.section ?? r.sectionNumber,
    title: r.title,
    description: r.description ?? r.summary,
    figures: r.figures ?? [],
    sectionTitle: r.sectionTitle,
  })),
  v.check((e) => e.file !== undefined && isSafeExampleFile(e.file), 'not a safe example file name'),
);

/** A section of a list of sections: its number (`section`, `number` or `id`), title and examples. */
const SectionSchema = v.pipe(
  RecordSchema,
  v.looseObject({
    section: opt(SectionNumberSchema),
    number: opt(SectionNumberSchema),
    id: opt(SectionNumberSchema),
    title: opt(BilingualSchema),
    examples: opt(listOf(EntrySchema)),
  }),
);

/** Section titles by number: `{ "5.4": { en, ko } }` (malformed titles skipped). */
const SectionTitlesSchema = v.pipe(
  RecordSchema,
  v.transform((r) => Object.entries(r).flatMap(([k, x]) => {
    const t = v.safeParse(BilingualSchema, x);
    return t.success ? [[k, t.output] as const] : [];
  })),
);

/** index.json: a flat list of examples, or an object with `examples`, `sections` (a list, or a map of titles) and `sectionTitles`. */
const IndexFileSchema = v.union([
  v.pipe(listOf(EntrySchema), v.transform((examples) => ({ examples, sections: [], titles: [] }))),
  v.pipe(
    RecordSchema,
    v.looseObject({
      examples: opt(listOf(EntrySchema)),
      sections: opt(
        v.union([
          v.pipe(listOf(SectionSchema), v.transform((list) => ({ list, titles: undefined }))),
          v.pipe(SectionTitlesSchema, v.transform((titles) => ({ list: [], titles }))),
        ]),
      ),
      sectionTitles: opt(SectionTitlesSchema),
    }),
    v.transform((r) => ({ examples: r.examples ?? [], sections: r.sections?.list ?? [], titles: r.sectionTitles ?? r.sections?.titles ?? [] })),
  ),
]);

function entry(e: v.InferOutput<typeof EntrySchema>, inheritedSection?: string): ExampleEntry {
  const file = e.file as string;
  const section = e.section ?? inheritedSection ?? '';
  const title = e.title ?? { en: file, ko: file };
  const out: ExampleEntry = e.description ? { file, section, title, description: e.description } : { file, section, title };
  if (e.figures.length) out.figures = e.figures;
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
export function parseExamplesIndex(json: unknown): ExampleSection[] {
  const parsed = v.safeParse(IndexFileSchema, json);
  if (!parsed.success) return [];
  const index = parsed.output;
  const sectionTitles = new Map<string, Bilingual>();
  const entries: ExampleEntry[] = [];
  for (const x of index.examples) {
    const e = entry(x);
    entries.push(e);
    if (x.sectionTitle) sectionTitles.set(e.section, x.sectionTitle);
  }
  for (const s of index.sections) {
    const num = s.section ?? s.number ?? s.id ?? '';
    if (s.title) sectionTitles.set(num, s.title);
    for (const x of s.examples ?? []) entries.push(entry(x, num));
  }
  // Object maps like { "sections": { "5.4": { en, ko } } } also give section titles.
  for (const [k, t] of index.titles) sectionTitles.set(k, t);
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
