/**
 * Backprop as a VS Code debugger (debug type `backprop`): F5 on a `.backprop` file, the debug
 * toolbar's Step Over / Step Back / Reverse Continue, breakpoints, Variables, Watch and the Debug
 * Console. The debug session (src/debug/session.ts) runs inline in the extension host (also the
 * web one) and steps the SAME cursor as the panel, the Nodes view and the editor: its target is
 * the document's GraphSession, moved through the controller, so every view follows whichever
 * control moved it. Inline values are the editor's own inline hints (editorFeatures.ts), which
 * already follow that cursor; no InlineValuesProvider is registered, so they never show twice.
 */
import * as vscode from 'vscode';
import { BackpropDebugSession, DEBUG_TYPE } from '../debug/session';
import { compileFailure, LaunchError, type DebugTarget } from '../debug/target';
import type { SessionController } from './controller';
import { isBackpropDocument } from './controller';
import type { GraphSession } from './session';

export const DEBUG_FILE_COMMAND = 'backprop.debugFile';

/** A launch's `program`: a URI when it has a scheme (virtual workspaces), else a file path. */
export function programUri(program: string): vscode.Uri {
  return /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(program) ? vscode.Uri.parse(program) : vscode.Uri.file(program);
}

/** What a launch configuration calls a document: its path for files, its URI otherwise. */
export function programOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

function launchConfig(uri: vscode.Uri): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: vscode.l10n.t('Debug the graph'), program: programOf(uri), stopOnEntry: true };
}

/** The document's GraphSession as a debug target: one cursor with the panel. */
function hostTarget(controller: SessionController, session: GraphSession): DebugTarget {
  let moving = false;
  let graph = session.graph;
  const current = (): NonNullable<GraphSession['stepper']> => {
    const s = session.stepper;
    if (!s) throw new Error('the program has no graph');
    return s;
  };
  return {
    get source() {
      return session.source ?? '';
    },
    get graph() {
      const g = session.graph;
      if (!g) throw new Error('the program has no graph');
      return g;
    },
    get stepper() {
      return current();
    },
    moveTo(step) {
      moving = true;
      try {
        controller.setCurrent(session);
        controller.goTo(step, session);
      } finally {
        moving = false;
      }
    },
    peek(step, read) {
      const s = current();
      const saved = s.cursor;
      try {
        s.goTo(step);
        return read();
      } finally {
        s.goTo(saved);
      }
    },
    onDidChange(listener) {
      const subscriptions = [
        controller.onDidStep((e) => {
          if (e.session === session && !moving) listener('cursor');
        }),
        controller.onDidChangeGraph((s) => {
          if (s !== session || session.graph === graph) return;
          graph = session.graph;
          listener('graph');
        }),
      ];
      return { dispose: () => subscriptions.forEach((d) => d.dispose()) };
    },
    dispose: () => undefined,
  };
}

export function registerDebugger(context: vscode.ExtensionContext, controller: SessionController, showPanel: () => Promise<void>): void {
  const open = async (program: string, expand: boolean): Promise<DebugTarget> => {
    const uri = programUri(program);
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(uri);
    } catch (e) {
      throw new LaunchError(`${program}: error: cannot read the file: ${e instanceof Error ? e.message : String(e)}`);
    }
    const session = controller.ensureSession(doc);
    if (session.expanded !== expand) controller.setExpanded(session, expand);
    if (session.error || !session.graph || !session.stepper) throw compileFailure(program, session.diagnostics);
    controller.setCurrent(session);
    void showPanel();
    return hostTarget(controller, session);
  };

  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new BackpropDebugSession({ open, t: vscode.l10n.t })),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      // F5 without a launch.json (the configuration is empty) debugs the active .backprop file.
      resolveDebugConfiguration(_folder, config) {
        const doc = vscode.window.activeTextEditor?.document;
        if (!config.type && !config.request && !config.name) {
          if (!isBackpropDocument(doc)) return undefined;
          return launchConfig(doc.uri);
        }
        if (!config.program) {
          if (!isBackpropDocument(doc)) {
            void vscode.window.showInformationMessage(vscode.l10n.t('Open a .backprop file to debug, or set "program" in the launch configuration.'));
            return undefined;
          }
          return { ...config, program: programOf(doc.uri) };
        }
        return config;
      },
    }),
    vscode.commands.registerCommand(DEBUG_FILE_COMMAND, async (arg?: unknown) => {
      const doc = vscode.window.activeTextEditor?.document;
      const uri = arg instanceof vscode.Uri ? arg : isBackpropDocument(doc) ? doc.uri : undefined;
      if (!uri) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a .backprop file to debug, or set "program" in the launch configuration.'));
        return;
      }
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), launchConfig(uri));
    }),
  );
}
