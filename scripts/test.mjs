// npm test: every check in order — typecheck, lint, build, unit tests, the webview browser tests (when
// the project has them), packaging and the .vsix check, the real-VS-Code tools (installed into the
// cache when missing), the extension-host suite in a real VS Code (code-server) and the UI tests —
// then one plain summary line, `N passed, N failed`, counting the tests each runner reported (a step
// without tests of its own, like lint, counts as one).
// Every step runs even when an earlier one failed, so one run shows everything that is broken.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const STEP_TIMEOUT_MS = 20 * 60 * 1000;

/** @typedef {{ name: string, cmd: string, args: string[], kind: 'single' | 'node-test' | 'mocha' | 'unittest' }} Step */
/** @type {Step[]} */
const steps = [
  { name: 'typecheck', cmd: npm, args: ['run', '--silent', 'typecheck'], kind: 'single' },
  { name: 'lint', cmd: npm, args: ['run', '--silent', 'lint'], kind: 'single' },
  { name: 'build', cmd: npm, args: ['run', '--silent', 'build'], kind: 'single' },
  { name: 'unit tests', cmd: npm, args: ['run', '--silent', 'test:unit'], kind: 'node-test' },
  { name: 'python tests (tracer)', cmd: node, args: ['scripts/python-tests.mjs'], kind: 'unittest' },
  ...(scripts['test:webview'] ? [{ name: 'webview tests', cmd: npm, args: ['run', '--silent', 'test:webview'], kind: 'node-test' }] : []),
  { name: 'package (.vsix)', cmd: node, args: ['scripts/package.mjs'], kind: 'single' },
  { name: '.vsix contents', cmd: node, args: ['scripts/node-tests.mjs', 'test/vscode/package'], kind: 'node-test' },
  // Through npm, as a newcomer runs it: on an empty cache this installs Node 24 and code-server.
  { name: 'real VS Code tools (setup)', cmd: npm, args: ['run', '--silent', 'setup:vscode'], kind: 'single' },
  { name: 'extension host (code-server)', cmd: node, args: ['--import', 'tsx', 'test/vscode/runCodeServer.ts'], kind: 'mocha' },
  { name: 'UI (code-server + chromium)', cmd: node, args: ['scripts/node-tests.mjs', 'test/vscode/ui', '--test-concurrency=1'], kind: 'node-test' },
];

function runStep(step) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    const child = spawn(step.cmd, step.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    const onData = (stream) => (chunk) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    const timer = setTimeout(() => {
      output += `\n[test] ${step.name} timed out after ${STEP_TIMEOUT_MS / 60000} min\n`;
      child.kill('SIGKILL');
    }, STEP_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 1, output: `${output}\n${error.message}`, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The runner's own counts, or null when its output has none; `skipped` when the step said it could not run. */
function counts(kind, output) {
  const last = (re) => {
    const all = [...output.matchAll(re)];
    return all.length ? Number(all[all.length - 1][1]) : null;
  };
  if (kind === 'node-test') {
    const pass = last(/^ℹ pass (\d+)/gm);
    const fail = last(/^ℹ fail (\d+)/gm);
    const cancelled = last(/^ℹ cancelled (\d+)/gm) ?? 0;
    return pass === null || fail === null ? null : { passed: pass, failed: fail + cancelled };
  }
  if (kind === 'unittest') {
    if (/^\[python tests\] skipped:/m.test(output)) return { passed: 0, failed: 0, skipped: true };
    const ran = last(/^Ran (\d+) tests? in /gm);
    if (ran === null) return null;
    const summary = [...output.matchAll(/^(OK|FAILED)\b(.*)$/gm)].pop();
    const count = (key) => Number(new RegExp(`\\b${key}=(\\d+)`).exec(summary?.[2] ?? '')?.[1] ?? 0);
    const failed = count('failures') + count('errors') + count('unexpected successes');
    return { passed: ran - failed - count('skipped'), failed };
  }
  if (kind === 'mocha') {
    const pass = last(/^\s*(\d+) passing/gm);
    if (pass !== null) return { passed: pass, failed: last(/^\s*(\d+) failing/gm) ?? 0 };
    // No summary: the run hung or crashed part-way. Count what the spec report shows so far.
    const passed = [...output.matchAll(/^\s+✔ /gm)].length;
    const failed = new Set([...output.matchAll(/^\s+(\d+)\) /gm)].map((m) => m[1])).size;
    return passed + failed === 0 ? null : { passed, failed };
  }
  return null;
}

/**
 * The lines that name what failed (and what was retried), so the end of the output says it even
 * when only the last screen of a long run is kept: mocha's numbered failures, node:test's ✖ lines
 * with the first lines of their error, unittest's FAIL/ERROR headers, the suite's retry lines.
 */
function digest(kind, output) {
  const lines = output.split('\n');
  const picked = [];
  for (let i = 0; i < lines.length && picked.length < 16; i++) {
    const line = lines[i];
    const numbered = kind === 'mocha' && /^\s+\d+\) /.test(line) && lines.slice(0, i).some((l) => /^\s*\d+ failing/.test(l));
    if (/^\[suite\] retried:/.test(line) || numbered || (kind === 'unittest' && /^(FAIL|ERROR): /.test(line))) {
      picked.push(line.trimEnd());
      if (numbered) picked.push(...lines.slice(i + 1, i + 4).filter((l) => l.trim()).map((l) => l.trimEnd()));
    } else if (kind === 'node-test' && /^\s*✖ /.test(line) && !/^\s*✖ failing tests:/.test(line)) {
      picked.push(line.trimEnd());
      picked.push(...lines.slice(i + 1, i + 4).filter((l) => l.trim() && !/^\s*[✔✖ℹ]/.test(l)).map((l) => l.trimEnd()));
    }
  }
  return [...new Set(picked)].map((l) => l.slice(0, 240));
}

const results = [];
for (const step of steps) {
  console.log(`\n[test] ── ${step.name} ──`);
  const r = await runStep(step);
  let c = counts(step.kind, r.output) ?? (r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  // A runner that failed without reporting a failed test (a crash, a timeout) still counts one failure.
  if (r.code !== 0 && c.failed === 0) c = { ...c, failed: 1 };
  // Zero tests run is a failure too: a suite that silently ran nothing proves nothing (unless the
  // step said why it could not run, like the Python tests without python3/numpy outside CI).
  if (step.kind !== 'single' && c.passed + c.failed === 0 && !c.skipped) c = { passed: 0, failed: 1 };
  results.push({ step, ...c, ok: r.code === 0 && c.failed === 0, seconds: r.seconds, digest: digest(step.kind, r.output) });
}

for (const r of results.filter((x) => x.digest.length > 0)) {
  console.log(`\n[test] ${r.step.name}: what failed or was retried`);
  for (const line of r.digest) console.log(`  ${line.trim()}`);
}
console.log('\n[test] summary');
for (const r of results) {
  const status = r.skipped ? 'skip' : r.ok ? 'ok  ' : 'FAIL';
  console.log(`  ${status} ${r.step.name.padEnd(30)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)} s`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
