// The editor's activation-time part (in the tiny extension.js): a code-lens provider for files of
// the open folders, the editor's commands and the Testing view's "Deploy Agent" controller. Each
// forwards to the editor (editor.ts, in extension-services.js), loaded the first time a lens is
// asked for, a command runs or the Testing view lists the tests.
import * as vscode from 'vscode';
import { EDITOR_COMMAND_IDS } from './commands';
import type { Editor } from './editor';

export const CODE_LENS_SETTING = 'deployAgent.codeLens.enabled';

export function registerEditor(context: vscode.ExtensionContext, load: () => Editor): void {
  const lensesChanged = new vscode.EventEmitter<void>();
  const controller = vscode.tests.createTestController('deployAgent', 'Deploy Agent');
  let attached: Editor | undefined;
  const editor = (): Editor => {
    if (!attached) {
      attached = load();
      attached.attach({ controller, lensesChanged: () => lensesChanged.fire() });
    }
    return attached;
  };
  const enabled = () => vscode.workspace.getConfiguration().get<boolean>(CODE_LENS_SETTING, true);
  controller.resolveHandler = (item) => editor().testing().resolve(item);
  controller.refreshHandler = () => editor().testing().refresh();
  controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => editor().testing().run(request, token).then(() => undefined), true);
  context.subscriptions.push(
    controller,
    lensesChanged,
    vscode.languages.registerCodeLensProvider(
      { scheme: 'file' },
      {
        onDidChangeCodeLenses: lensesChanged.event,
        // Files on disk only (not output, settings or virtual documents); off by the setting, the history is not read at all.
        provideCodeLenses: (document) => (enabled() && document.uri.scheme === 'file' ? editor().provideCodeLenses(document) : []),
      },
    ),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(CODE_LENS_SETTING) && lensesChanged.fire()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensesChanged.fire()),
    ...EDITOR_COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => editor().run(id, ...args))),
  );
}
