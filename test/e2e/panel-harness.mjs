// What the panel's UI scenario (scenarios/30-panel.mjs) needs besides the shared workbench: the
// fake Ollama and GitHub servers (the TypeScript doubles of test/support, loaded with tsx), a
// fixture repository with a bare origin whose settings point at the fake Ollama, and a
// code-server of its own whose environment carries the fake GitHub's address and token (the
// extension host inherits code-server's environment, which the shared server cannot change).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { ensureCodeServer } from '../../scripts/code-server/install.mjs';
import { startCodeServer } from '../../scripts/code-server/server.mjs';
import { logger, repoRoot } from '../../scripts/code-server/util.mjs';

/** The fake servers' modules (TypeScript, through tsx). */
export async function loadFakes() {
  const [{ FakeOllama }, { FakeGithub }, { userState }] = await Promise.all([
    tsImport('../support/fake-ollama.ts', import.meta.url),
    tsImport('../support/fake-github.ts', import.meta.url),
    tsImport('../integration/pipeline/harness.ts', import.meta.url),
  ]);
  return { FakeOllama, FakeGithub, userState };
}

/** @param {string} dir @param {string[]} args */
export function git(dir, ...args) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } }).trim();
}

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Deploy Agent e2e',
  GIT_AUTHOR_EMAIL: 'e2e@deploy-agent.invalid',
  GIT_COMMITTER_NAME: 'Deploy Agent e2e',
  GIT_COMMITTER_EMAIL: 'e2e@deploy-agent.invalid',
};

/**
 * The panel fixture as a git repository with a bare `origin` (pushed), its settings pointing at
 * the fake Ollama (committed, as a team would), in `tmp`.
 * @param {string} tmp @param {string} ollamaUrl
 */
export function makePanelWorkspace(tmp, ollamaUrl) {
  const workspace = path.join(tmp, 'panel-greeter');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'panel-workspace'), workspace, { recursive: true });
  writeFileSync(path.join(workspace, '.deploy-agent', 'config.json'), `${JSON.stringify({ 'ollama.host': ollamaUrl, 'ai.providers': ['ollama'], 'ai.cacheTtlSeconds': 0 }, null, 2)}\n`);
  const origin = path.join(tmp, 'origin', 'panel-greeter.git');
  mkdirSync(path.dirname(origin), { recursive: true });
  git(path.dirname(origin), 'init', '-q', '--bare', '-b', 'main', origin);
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-qm', 'fixture');
  git(workspace, 'remote', 'add', 'origin', origin);
  git(workspace, 'push', '-q', 'origin', 'main');
  return { workspace, origin };
}

/**
 * A code-server for this scenario alone: the extensions the run installed, its own user data
 * (settings with `theme`), and `env` (the fake GitHub) in its extension host.
 * @param {{ tmp: string, workspace: string, env: Record<string, string>, theme: string, onCleanup: (fn: () => Promise<void>) => void }} options
 */
export async function startPanelCodeServer({ tmp, workspace, env, theme, onCleanup }) {
  const cs = await ensureCodeServer({ log: logger('code-server') });
  const userDataDir = path.join(tmp, 'panel-user-data');
  writeSettings(userDataDir, { 'workbench.colorTheme': theme });
  const server = await startCodeServer(cs, {
    folder: workspace,
    userDataDir,
    extensionsDir: path.join(tmp, 'extensions'),
    log: logger('code-server:panel'),
    env: { ...process.env, ...GIT_IDENTITY, ...env },
  });
  onCleanup(() => server.stop());
  return { server, userDataDir };
}

/** Writes the user's settings.json (VS Code applies a change at once: the theme switches live). @param {string} userDataDir @param {Record<string, unknown>} settings */
export function writeSettings(userDataDir, settings) {
  const dir = path.join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'security.workspace.trust.enabled': false, 'extensions.ignoreRecommendations': true, 'chat.disableAIFeatures': true, ...settings }, null, 2),
  );
}

/** Every line of the "Deploy Agent" output channel logs under `userDataDir`. @param {string} userDataDir */
export function outputLog(userDataDir) {
  /** @type {string[]} */
  const chunks = [];
  const walk = (/** @type {string} */ d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Deploy Agent.log') chunks.push(readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return chunks.join('\n');
}
