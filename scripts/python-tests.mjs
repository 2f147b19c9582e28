// Runs the tracer's Python tests (test/python/test_*.py) with unittest:
//   node scripts/python-tests.mjs            (npm run test:python)
// The interpreter is $BACKPROP_PYTHON, else python3 (python on Windows). When it or numpy is
// missing, the run says so and is skipped, except under CI=true, where that is a failure.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.BACKPROP_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
const ci = process.env.CI === 'true' || process.env.CI === '1';

const probe = spawnSync(python, ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const why = probe.error ? `${python} was not found (${probe.error.message})` : `${python} has no numpy (${(probe.stderr || '').trim().split('\n').pop()})`;
  const fix = 'install it (Debian: apt-get install -y python3-numpy) or set BACKPROP_PYTHON';
  if (ci) {
    console.error(`[python tests] FAILED: ${why}; under CI the Python tests are required: ${fix}`);
    process.exit(1);
  }
  console.log(`[python tests] skipped: ${why}; ${fix}`);
  process.exit(0);
}
const [version, numpyVersion] = probe.stdout.trim().split(' ');
console.log(`[python tests] ${python}: Python ${version}, numpy ${numpyVersion}`);
const child = spawn(python, ['-m', 'unittest', 'discover', '-s', join('test', 'python'), '-p', 'test_*.py', '-v'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
