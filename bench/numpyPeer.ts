/**
 * Peer processes of the benchmark, driven turn by turn over stdin/stdout (one JSON line each way)
 * so their turns interleave with the in-process contenders: the numpy peer (`bench/numpy_peer.py`)
 * and the engine on another Node (`bench/enginePeer.ts`, the extension host's runtime).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

export interface NumpyInfo {
  numpy: string;
  python: string;
  blas: string | null;
  threads: string | null;
}

export interface EngineInfo {
  node: string;
  v8: string;
  flavor: string | null;
  backend: string;
  loss: number;
}

/** A child process answering one JSON line per JSON line. */
export class LinePeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];

  constructor(private readonly tag: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
    this.child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${tag}] ${d.toString()}`));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  request<T>(cmd: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (): void => reject(new Error(`${this.tag} peer exited`));
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

export const NumpyPeer = {
  /** Started only when `python3 -c "import numpy"` works; otherwise null with the reason. */
  start(dir: string): { peer: LinePeer | null; reason?: string } {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      return { peer: null, reason: probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? 'import numpy failed') };
    }
    const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    return { peer: new LinePeer('numpy', 'python3', [join(dir, 'numpy_peer.py')], env) };
  },
};

export const EnginePeer = {
  /** `bench/enginePeer.ts` on the Node binary `node` (through tsx, from the repository root), or null with the reason. */
  start(node: string, root: string): { peer: LinePeer | null; reason?: string } {
    if (!existsSync(node)) return { peer: null, reason: `no ${node} (scripts/setup-vscode.sh installs it)` };
    return { peer: new LinePeer('engine peer', node, ['--import', 'tsx', join(root, 'bench', 'enginePeer.ts')], process.env, root) };
  },
};
