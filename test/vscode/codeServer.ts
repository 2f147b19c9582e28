/**
 * Starts and stops a code-server (a real VS Code: workbench in the browser, Node extension host)
 * with a fresh profile under a temp folder, bound to 127.0.0.1 on a free port.
 *
 * code-server leaves watcher and agent processes behind when only its main process is signalled,
 * so it runs in its own session (detached ⇒ setsid) and the whole process group is killed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, NODE24, codeServerEnv } from './tools';

export interface CodeServerOptions {
  /** Extra user settings (the profile's settings.json). */
  settings?: Record<string, unknown>;
  /** Lets a page drive the workbench and run extension tests (`--vscode-option enable-smoke-test-driver`). */
  smokeTestDriver?: boolean;
  /** Use this extensions dir (e.g. one a .vsix was installed into) instead of a fresh one. */
  extensionsDir?: string;
  /** Temp root to create the profile in; a new one by default. */
  root?: string;
  /** Port to bind on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Keep the settings the profile already has (a profile kept between runs, as npm start's). */
  keepUserSettings?: boolean;
  /** Extra environment of code-server (and so of its extension host). */
  env?: NodeJS.ProcessEnv;
  /** Display language (`--locale`); needs a language pack registered in the profile (koreanPack.ts). */
  locale?: string;
  /** `--log LEVEL` (e.g. `trace`: the window log then says where each extension runs). */
  logLevel?: string;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `127.0.0.1:PORT`, the authority of `vscode-remote://` URIs the workbench accepts. */
  authority: string;
  root: string;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed so far. */
  log(): string;
  /** Kills the process group and removes the temp profile (unless keepRoot). */
  stop(keepRoot?: boolean): Promise<void>;
}

/** Quiet defaults: no welcome page, no updates, no trust prompts, no telemetry. */
const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
  'files.hotExit': 'off',
};

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

export function makeTempRoot(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The profile's user settings (code-server keeps them under User/ in the user-data-dir). With
 * `keepUser`, settings already in the file (the user's theme, backprop.mnistPath, …) win over ours.
 */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>, keepUser = false): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  let user: Record<string, unknown> = {};
  if (keepUser && existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) user = parsed as Record<string, unknown>;
    } catch {
      // Comments or a half-written file: leave the user's file alone.
      return;
    }
  }
  writeFileSync(file, JSON.stringify({ ...BASE_SETTINGS, ...settings, ...user }, null, 2));
}

/** `code-server --install-extension FILE.vsix` into the given extensions dir. */
export function installVsix(vsix: string, extensionsDir: string, userDataDir: string): Promise<string> {
  return new Promise((resolveOut, reject) => {
    execFile(
      NODE24,
      [CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
      { env: codeServerEnv(), timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`installing ${vsix} failed: ${error.message}\n${stdout}${stderr}`));
        else resolveOut(`${stdout}${stderr}`);
      },
    );
  });
}

async function waitHealthy(origin: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs} ms:\n${output()}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
let signalExitCode = 130;

/** The exit code after Ctrl-C / SIGTERM (a test run fails; `npm start` stopping on Ctrl-C is fine: 0). */
export function setSignalExitCode(code: number): void {
  signalExitCode = code;
}
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Whatever happens to the runner, no code-server outlives it.
  process.on('exit', () => running.forEach((c) => killGroup(c, 'SIGKILL')));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      running.forEach((c) => killGroup(c, 'SIGKILL'));
      process.exit(signalExitCode);
    });
  }
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const root = options.root ?? makeTempRoot('backprop-cs-');
  const userDataDir = join(root, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.settings ?? {}, options.keepUserSettings);

  let lastError: unknown;
  // A free port can be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await freePort());
    const origin = `http://127.0.0.1:${port}`;
    const configFile = join(root, 'config.yaml');
    writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
      CODE_SERVER_ENTRY,
      '--config', configFile,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ];
    if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
    if (options.locale) args.push('--locale', options.locale);
    if (options.logLevel) args.push('--log', options.logLevel);
    const child = spawn(NODE24, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...codeServerEnv(), ...options.env, XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data') },
    });
    installExitHook();
    running.add(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async (keepRoot = false): Promise<void> => {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      // Children of the group may outlive the leader: make sure.
      killGroup(child, 'SIGKILL');
      running.delete(child);
      if (!keepRoot && !options.root) rmSync(root, { recursive: true, force: true });
    };
    try {
      await waitHealthy(origin, child, () => out, 30_000);
      return { port, origin, authority: `127.0.0.1:${port}`, root, userDataDir, extensionsDir, log: () => out, stop };
    } catch (error) {
      lastError = error;
      await stop(true);
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
