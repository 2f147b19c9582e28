/**
 * Entry point of the extension-host test suite (`extensionTestsPath`): VS Code loads this module in
 * the extension host and awaits `run()`. It runs every *.test.js bundled next to it with mocha and
 * rejects when a test fails, which makes VS Code exit with code 1.
 *
 * The mocha report also goes to report.txt beside this file, because in code-server the extension
 * host's console is not the runner's terminal.
 */
import Mocha from 'mocha';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Options a runner may leave next to the bundle (the extension host gets no command line of ours). */
interface SuiteOptions {
  grep?: string;
}

function readOptions(): SuiteOptions {
  const file = join(__dirname, 'options.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SuiteOptions) : {};
}

export function run(): Promise<void> {
  const options = readOptions();
  // One retry: a real VS Code on a loaded 2-core machine now and then misses a deadline that is
  // generous elsewhere. A retried test is never silent: its first failure is printed as
  // `[suite] retried: …` and counted in the last line, so a flaky test shows in every report.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', retries: 1 });
  if (options.grep) mocha.grep(options.grep);
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  // Reporters print through Base.consoleLog (console.log captured when mocha loaded). Each line
  // also goes straight to report.txt, so a runner that times out can still show how far it got.
  const reportFile = join(__dirname, 'report.txt');
  writeFileSync(reportFile, '');
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]): void => {
    // No colour codes in the file (supports-color turns them on when CI is set).
    // eslint-disable-next-line no-control-regex
    appendFileSync(reportFile, `${format(...args).replace(/\u001b\[[0-9;]*m/g, '')}\n`);
    originalLog(...args);
  };
  return new Promise((resolveRun, reject) => {
    try {
      const retried: string[] = [];
      const runner = mocha.run((failures) => {
        if (retried.length > 0) base.consoleLog(`[suite] ${retried.length} test(s) failed once and were retried (see the report for the second run):\n${retried.join('\n')}`);
        base.consoleLog = originalLog;
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolveRun();
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_RETRY, (test: Mocha.Test, error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        const line = `  ${test.fullTitle()}: ${message.split('\n')[0]}`;
        retried.push(line);
        base.consoleLog(`[suite] retried:${line}`);
      });
    } catch (error) {
      base.consoleLog = originalLog;
      appendFileSync(reportFile, `mocha could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
