/**
 * Bundle sizes as shipped (the production files in dist/) and how much of each comes from the
 * chart and graph-layout libraries, from an esbuild metafile of the same entry point bundled the
 * same way in memory (minified, es2022). Entry points are read from scripts/build.mjs.
 */
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Packages counted as "chart and layout libraries" (issue 6 asks for the bundle without them). */
export const CHART_LAYOUT_LIBS = ['uplot', '@dagrejs/dagre', '@dagrejs/graphlib', 'dagre', 'elkjs', 'chart.js', 'd3', 'cytoscape'];

export interface BundleRow {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Bytes of the output that come from the chart/layout libraries (null if not measured). */
  libBytes: number | null;
  ownBytes: number | null;
  /** Which libraries, with their share of the shipped bytes. */
  libs: Record<string, number>;
  note?: string;
}

interface Entry {
  entry: string;
  outfile: string;
  platform: 'node' | 'browser';
  format: 'cjs' | 'iife' | 'esm';
}

/** The builds declared in scripts/build.mjs (entry, outfile, platform, format). */
function entriesFromBuildScript(root: string): Entry[] {
  const text = readFileSync(join(root, 'scripts/build.mjs'), 'utf8');
  const out: Entry[] = [];
  for (const m of text.matchAll(/\{\s*entryPoints:\s*\['([^']+)'\],\s*outfile:\s*'([^']+)',\s*platform:\s*'(\w+)',\s*format:\s*'(\w+)'/g)) {
    out.push({ entry: m[1], outfile: m[2], platform: m[3] as Entry['platform'], format: m[4] as Entry['format'] });
  }
  return out;
}

function libOf(input: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m && CHART_LAYOUT_LIBS.includes(m[1]) ? m[1] : undefined;
}

async function libShare(root: string, e: Entry): Promise<{ libs: Record<string, number>; total: number } | null> {
  try {
    const r = await esbuild.build({
      entryPoints: [join(root, e.entry)], bundle: true, minify: true, write: false, metafile: true, outdir: '/tmp/backprop-bench-meta',
      platform: e.platform, format: e.format, target: 'es2022', legalComments: 'none', external: ['vscode', 'node:worker_threads'], logLevel: 'silent',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    });
    const libs: Record<string, number> = {};
    let total = 0;
    for (const [out, meta] of Object.entries(r.metafile.outputs)) {
      if (!out.endsWith('.js')) continue;
      for (const [input, info] of Object.entries(meta.inputs)) {
        total += info.bytesInOutput;
        const lib = libOf(input);
        if (lib) libs[lib] = (libs[lib] ?? 0) + info.bytesInOutput;
      }
    }
    return { libs, total };
  } catch {
    return null;
  }
}

/**
 * The extension as the Node host loads it: dist/extension.js, its worker, and every webview
 * script and stylesheet. (dist/web/* repeats the same code for the web host; dist/cli.js is the
 * separate command-line tool.)
 */
export async function measureBundles(root: string): Promise<{ rows: BundleRow[]; ownTotal: number | null; ownTotalWithoutIconCss: number | null; note: string }> {
  const entries = entriesFromBuildScript(root);
  const rows: BundleRow[] = [];
  const files = ['dist/extension.js', 'dist/worker.js'];
  const webviewDir = join(root, 'dist/webview');
  if (existsSync(webviewDir)) for (const f of readdirSync(webviewDir).sort()) if (/\.(js|css)$/.test(f)) files.push(`dist/webview/${f}`);
  let ownTotal: number | null = 0;
  let iconCss = 0;
  for (const file of files) {
    const p = join(root, file);
    if (!existsSync(p)) continue;
    const buf = readFileSync(p);
    const bytes = statSync(p).size;
    const row: BundleRow = { file, bytes, gzipBytes: gzipSync(buf).length, libBytes: 0, ownBytes: bytes, libs: {} };
    if (file.endsWith('.js')) {
      const e = entries.find((x) => x.outfile === file);
      const share = e ? await libShare(root, e) : null;
      if (share) {
        // Scale the metafile's share onto the shipped size (both are minified builds of the same entry).
        for (const [lib, b] of Object.entries(share.libs)) row.libs[lib] = Math.round((b / Math.max(1, share.total)) * bytes);
        row.libBytes = Object.values(row.libs).reduce((s, b) => s + b, 0);
        row.ownBytes = bytes - row.libBytes;
      } else {
        row.libBytes = null;
        row.ownBytes = null;
        row.note = e ? 'metafile build failed' : 'entry not found in scripts/build.mjs';
      }
    } else if (file.endsWith('codicon.css')) {
      iconCss = bytes;
      row.note = 'VS Code codicon stylesheet (library asset)';
    }
    rows.push(row);
    ownTotal = ownTotal === null || row.ownBytes === null ? null : ownTotal + row.ownBytes;
  }
  return {
    rows,
    ownTotal,
    ownTotalWithoutIconCss: ownTotal === null ? null : ownTotal - iconCss,
    note: `"own" = dist/extension.js, dist/worker.js and dist/webview/*.js|css minus the bytes esbuild's metafile attributes to chart/layout packages (${CHART_LAYOUT_LIBS.slice(0, 4).join(', ')}, …); the codicon.ttf font and the web-host copies (dist/web/*) and the CLI are not counted`,
  };
}
