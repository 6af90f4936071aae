// The editor's command ids: registered at activation (register.ts), carried out by editor.ts.
export const EDITOR_COMMANDS = {
  runTests: 'deployAgent.editor.runTests',
  revert: 'deployAgent.editor.revert',
  applyRevert: 'deployAgent.editor.applyRevert',
  compareWithShipped: 'deployAgent.editor.compareWithShipped',
  previewIntegrationPoints: 'deployAgent.previewIntegrationPoints',
  clearIntegrationPoints: 'deployAgent.editor.clearIntegrationPoints',
  showIntegrationPoints: 'deployAgent.editor.showIntegrationPoints',
  choosePoint: 'deployAgent.editor.choosePoint',
  newRecommendation: 'deployAgent.newRecommendation',
  openRecommendation: 'deployAgent.walkthrough.openRecommendation',
  deployDryRun: 'deployAgent.deployDryRun',
} as const;

export type EditorCommand = (typeof EDITOR_COMMANDS)[keyof typeof EDITOR_COMMANDS];
export const EDITOR_COMMAND_IDS: readonly EditorCommand[] = Object.values(EDITOR_COMMANDS);
