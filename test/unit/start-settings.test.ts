import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error plain ESM JavaScript without type declarations
import { withDemoDefaults, writeDemoSettings } from '../../scripts/start-settings.mjs';
import { tempDir } from '../support/temp';

/** npm start: the demo opens the example's README, and its deployments stay out of the user's history. */
describe('npm start: the demo editor’s settings', () => {
  it('a history of its own, the README on start, no code-server walkthrough; a setting the user changed is kept', () => {
    const dir = tempDir();
    try {
      const state = path.join(dir.path, '.cache', 'start');
      const userData = path.join(state, 'user-data');
      const file = writeDemoSettings(userData, state);
      const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      assert.equal(written['deployAgent.historyDatabase'], path.join(state, 'history.db'));
      assert.equal(written['workbench.startupEditor'], 'readme');
      assert.equal(written['workbench.welcomePage.walkthroughs.openOnInstall'], false);

      writeFileSync(file, JSON.stringify({ ...written, 'workbench.colorTheme': 'Default Light Modern' }));
      writeDemoSettings(userData, state);
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)['workbench.colorTheme'], 'Default Light Modern');

      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '// mine\n{ "editor.fontSize": 16 }');
      writeDemoSettings(userData, state);
      assert.equal(readFileSync(file, 'utf8'), '// mine\n{ "editor.fontSize": 16 }', 'a commented file is left as it is');
      assert.deepEqual(withDemoDefaults({ 'deployAgent.historyDatabase': '/mine.db' }, state)['deployAgent.historyDatabase'], '/mine.db');
    } finally {
      dir.cleanup();
    }
  });
});
