/**
 * Entry point of `dist/debugAdapter.js`: the Backprop debugger as a standalone program speaking the
 * Debug Adapter Protocol over stdin/stdout (`node dist/debugAdapter.js`), for tests and for
 * editors other than VS Code. It owns its stepper; the files come from disk.
 */
import { DebugSession } from '@vscode/debugadapter';
import { readError } from './cli/source';
import { readProgramFile } from './cli/nodeFiles';
import { BackpropDebugSession } from './debug/session';
import { createStandaloneTarget, LaunchError } from './debug/target';

async function read(program: string): Promise<string> {
  try {
    return readProgramFile(program);
  } catch (e) {
    throw new LaunchError(readError(program, e).lines[0]);
  }
}

class StandaloneSession extends BackpropDebugSession {
  constructor() {
    super({ open: async (program, expand) => createStandaloneTarget(program, await read(program), expand, () => read(program)) });
  }
}

DebugSession.run(StandaloneSession);
