/**
 * `backprop trace SCRIPT.py`: the CLI runs the Python tracer on a script (the bundled dist/cli.js,
 * as a user runs it). Needs python3 with numpy: skipped with a message outside CI when missing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../../..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli.js');
const examples = join(root, 'examples', 'python');

function pythonWithNumpy(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

const missing = !existsSync(cli)
  ? 'dist/cli.js is not built (npm run build)'
  : !existsSync(join(root, 'python', 'backprop_trace.py'))
    ? 'python/backprop_trace.py is missing'
    : !pythonWithNumpy()
      ? 'python3 with numpy is not installed (apt-get install python3-numpy)'
      : undefined;
if (missing && process.env.CI) throw new Error(`cli-trace: ${missing}`);
const skip = missing ? `skipped: ${missing}` : false;

function trace(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'trace', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function script(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-trace-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface TraceJson {
  output: string;
  values: Record<string, unknown>;
  grads: Record<string, unknown>;
  mismatches: { node: string; phase: string; what: string; got: unknown; expected: unknown; line: number }[];
  calls: number;
}

describe('backprop trace', { skip }, () => {
  it('buy_apple_orange.py --json: the script numbers by name, no mismatch', { skip: !existsSync(join(examples, 'buy_apple_orange.py')) && 'no examples/python yet' }, () => {
    const r = trace(join(examples, 'buy_apple_orange.py'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TraceJson;
    assert.equal(j.output, 'price');
    assert.equal(j.values.price, 715.0000000000001);
    assert.equal(j.grads.apple, 2.2);
    assert.equal(j.grads.tax, 650);
    assert.deepEqual(j.mismatches, []);
    assert.equal(j.calls, 8);
  });

  it('the buggy example names mul_tax_layer first, and never the add layer', { skip: !existsSync(join(examples, 'buggy_buy_apple_orange.py')) && 'no examples/python yet' }, () => {
    const r = trace(join(examples, 'buggy_buy_apple_orange.py'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TraceJson;
    assert.equal(j.mismatches[0].node, 'mul_tax_layer');
    assert.equal(j.mismatches[0].phase, 'backward');
    assert.equal(j.mismatches[0].got, 650);
    assert.equal(j.mismatches[0].expected, 1.1);
    assert.ok(!j.mismatches.some((m) => m.node.startsWith('add')));
  });

  it('two_layer_net.py: W1 and the other parameters have gradients, no mismatch', { skip: !existsSync(join(examples, 'two_layer_net.py')) && 'no examples/python yet' }, () => {
    const r = trace(join(examples, 'two_layer_net.py'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TraceJson;
    for (const k of ['W1', 'b1', 'W2', 'b2']) assert.ok(k in j.grads, k);
    assert.deepEqual(j.mismatches, []);
  });

  it('your own layers inside a net: the net is not a node, the wrong custom layer is caught numerically', () => {
    const p = script(
      'custom.py',
      [
        'import numpy as np',
        'class Square:',
        '    def forward(self, x):',
        '        self.x = x',
        '        return x ** 2',
        '    def backward(self, dout):',
        '        return dout * self.x  # BUG: 2 * x * dout',
        'class Scale:',
        '    def __init__(self):',
        '        self.W = np.array([2.0, 3.0])',
        '    def forward(self, x):',
        '        self.x = x',
        '        return x * self.W',
        '    def backward(self, dout):',
        '        self.dW = dout * self.x',
        '        return dout * self.W',
        'class Net:',
        '    def __init__(self):',
        '        self.sq = Square()',
        '        self.sc = Scale()',
        '    def forward(self, x):',
        '        return self.sc.forward(self.sq.forward(x))',
        '    def backward(self, dout):',
        '        return self.sq.backward(self.sc.backward(dout))',
        'x = np.array([1.0, -2.0])',
        'net = Net()',
        'y = net.forward(x)',
        'dx = net.backward(np.ones(2))',
        '',
      ].join('\n'),
    );
    const r = trace(p, '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TraceJson;
    assert.deepEqual(j.mismatches.map((m) => `${m.node} ${m.phase}`), ['sq backward']);
    assert.deepEqual(j.grads['sc.W'], [1, 4]);
  });

  it('micrograd_expr.py: the values by name and no mismatch', { skip: !existsSync(join(examples, 'micrograd_expr.py')) && 'no examples/python yet' }, () => {
    const r = trace(join(examples, 'micrograd_expr.py'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as TraceJson;
    assert.deepEqual(j.mismatches, []);
    assert.ok(Object.keys(j.grads).length >= 4);
  });

  it('a script that raises: the traceback line, exit 1', () => {
    const p = script('boom.py', 'x = 1\ny = 0\nprint(x / y)\n');
    const r = trace(p);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /boom\.py:3:\d+: error: ZeroDivisionError: division by zero/);
  });

  it('a script with no layers: nothing traced, exit 1', () => {
    const p = script('plain.py', 'print(1 + 1)\n');
    const r = trace(p, '--json');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /plain\.py:1:1: error: no forward\/backward calls and no micrograd backward\(\) were seen/);
  });

  it('no such interpreter: a clear error', () => {
    const p = script('plain.py', 'print(1)\n');
    const r = trace(p, '--python', '/nonexistent/python3');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /plain\.py:1:1: error: cannot run Python 3 as '\/nonexistent\/python3'/);
  });

  it('a script that runs too long is stopped at the time limit', () => {
    const p = script('slow.py', 'import time\nwhile True:\n    time.sleep(0.05)\n');
    const r = trace(p, '--time-limit', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: /);
  });
});
