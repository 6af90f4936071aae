// Fixtures the extension-host test files share.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFixtureRepo, git } from '../integration/pipeline/repos';

/** The calc fixture (with a bare origin) whose own settings file points the extension at a local Ollama API (environment variables are a CLI layer). */
export async function fixtureWithLocalOllama(tmp: string, ollamaUrl: string): Promise<ReturnType<typeof createFixtureRepo>> {
  const repo = createFixtureRepo(tmp, 'node');
  mkdirSync(path.join(repo.dir, '.deploy-agent'), { recursive: true });
  writeFileSync(path.join(repo.dir, '.deploy-agent', 'config.json'), JSON.stringify({ 'ollama.host': ollamaUrl, 'ai.providers': ['ollama'], 'ai.cacheTtlSeconds': 0 }));
  git(repo.dir, 'add', '.deploy-agent/config.json');
  git(repo.dir, 'commit', '-qm', 'deploy-agent settings');
  return repo;
}
