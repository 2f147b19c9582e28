/**
 * Bundle sizes as shipped (the production files in dist/) and how much of each comes from the
 * chart and graph-layout libraries, from an esbuild metafile of the same entry points bundled the
 * same way in memory (minified, es2022).
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
}

function libOf(input: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m && CHART_LAYOUT_LIBS.includes(m[1]) ? m[1] : undefined;
}

async function libBytesOf(entry: string, platform: 'node' | 'browser', format: 'cjs' | 'iife'): Promise<{ lib: number; total: number } | null> {
  if (!existsSync(entry)) return null;
  try {
    const r = await esbuild.build({
      entryPoints: [entry], bundle: true, minify: true, write: false, metafile: true, outdir: '/tmp/backprop-bench-meta',
      platform, format, target: 'es2022', legalComments: 'none', external: ['vscode'], logLevel: 'silent',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
    });
    let lib = 0, total = 0;
    for (const [out, meta] of Object.entries(r.metafile.outputs)) {
      if (!out.endsWith('.js')) continue;
      for (const [input, info] of Object.entries(meta.inputs)) {
        total += info.bytesInOutput;
        if (libOf(input)) lib += info.bytesInOutput;
      }
    }
    return { lib, total };
  } catch {
    return null;
  }
}

export async function measureBundles(root: string): Promise<{ rows: BundleRow[]; ownTotal: number | null; note: string }> {
  const rows: BundleRow[] = [];
  const shipped = (rel: string): { bytes: number; gzipBytes: number } | null => {
    const p = join(root, rel);
    if (!existsSync(p)) return null;
    const buf = readFileSync(p);
    return { bytes: statSync(p).size, gzipBytes: gzipSync(buf).length };
  };
  const entries: [string, string, 'node' | 'browser', 'cjs' | 'iife'][] = [['dist/extension.js', 'src/extension.ts', 'node', 'cjs']];
  const webviewDir = join(root, 'dist/webview');
  const webviewFiles = existsSync(webviewDir) ? readdirSync(webviewDir).filter((f) => f.endsWith('.js') || f.endsWith('.css')) : [];
  for (const f of webviewFiles) {
    const src = f.endsWith('.js') ? join('webview', f.replace(/\.js$/, '.ts')) : '';
    entries.push([`dist/webview/${f}`, src, 'browser', 'iife']);
  }
  let ownTotal: number | null = 0;
  for (const [file, src, platform, format] of entries) {
    const s = shipped(file);
    if (!s) continue;
    const split = src ? await libBytesOf(join(root, src), platform, format) : { lib: 0, total: s.bytes };
    // Scale the metafile's share onto the shipped size (both are minified builds of the same entry).
    const libBytes = split ? Math.round((split.lib / Math.max(1, split.total)) * s.bytes) : null;
    const ownBytes = libBytes === null ? null : s.bytes - libBytes;
    rows.push({ file, ...s, libBytes, ownBytes });
    ownTotal = ownTotal === null || ownBytes === null ? null : ownTotal + ownBytes;
  }
  const web = shipped('dist/web/extension.js');
  if (web) rows.push({ file: 'dist/web/extension.js (web host; same code as dist/extension.js)', ...web, libBytes: null, ownBytes: null });
  return {
    rows,
    ownTotal,
    note: `"own" = dist/extension.js + dist/webview/*.js/css minus the bytes esbuild's metafile attributes to ${CHART_LAYOUT_LIBS.filter((l) => !['dagre', 'd3', 'cytoscape', 'chart.js'].includes(l)).join(', ')} (and any other chart/layout package); fonts (codicon.ttf) not counted`,
  };
}
