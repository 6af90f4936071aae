// The editor settings `npm start` gives its code-server, so that a demo opens on the example's
// README (not code-server's own Welcome page) in a dark theme, and its deployments go to a history
// of their own (.cache/start/history.db) instead of the user's, which the CLI and a real VS Code
// share: trying the demo must not change the analytics of one's real repositories.
// A setting the user changed in that editor is kept.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the demo sets when it is not set yet. @param {string} state the folder npm start keeps its state in */
export function demoDefaults(state) {
  return {
    'deployAgent.historyDatabase': path.join(state, 'history.db'),
    'workbench.startupEditor': 'readme',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
  };
}

/** @param {Record<string, unknown>} existing @param {string} state */
export function withDemoDefaults(existing, state) {
  return { ...demoDefaults(state), ...existing };
}

/** Writes the defaults into the user settings of `userDataDir`, keeping what is there. @param {string} userDataDir @param {string} state */
export function writeDemoSettings(userDataDir, state) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return file; // the user's own (commented) settings: left as they are
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(withDemoDefaults(existing, state), null, 2)}\n`);
  return file;
}
