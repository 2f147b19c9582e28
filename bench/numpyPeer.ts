/**
 * The numpy peer: `bench/numpy_peer.py` started once as a child process, driven turn by turn over
 * stdin/stdout (one JSON line each way) so its turns interleave with the JavaScript contenders.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

export interface NumpyInfo {
  numpy: string;
  python: string;
  blas: string | null;
  threads: string | null;
}

export class NumpyPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];

  private constructor(dir: string) {
    this.child = spawn('python3', [join(dir, 'numpy_peer.py')], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`[numpy] ${d.toString()}`));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  /** Started only when `python3 -c "import numpy"` works; otherwise null with the reason. */
  static start(dir: string): { peer: NumpyPeer | null; reason?: string } {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      return { peer: null, reason: probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? 'import numpy failed') };
    }
    return { peer: new NumpyPeer(dir) };
  }

  request<T>(cmd: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (): void => reject(new Error('numpy peer exited'));
      this.child.once('exit', onExit);
      this.pending.push((line) => {
        this.child.off('exit', onExit);
        const value = JSON.parse(line) as T & { error?: string };
        if (value.error) reject(new Error(value.error));
        else resolve(value);
      });
      this.child.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  async close(): Promise<void> {
    this.child.stdin.write('{"cmd":"quit"}\n');
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.lines.close();
  }
}
