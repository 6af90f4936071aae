import { execFileSync } from 'node:child_process';
import { cpSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { STACKS_DIR } from '../analysis/expectations';
import { tempDir } from '../../support/temp';

/** A stack fixture copied into its own git repository on `main` (so git, the default branch and the secret gathering see only it). */
export function fixtureRepo(name: string, prefix = 'configgen-'): { dir: string; cleanup(): void } {
  const temp = tempDir(prefix);
  const dir = path.join(realpathSync(temp.path), name);
  cpSync(path.join(STACKS_DIR, name), dir, { recursive: true, filter: (src) => path.basename(src) !== 'expected.json' });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'fixture');
  return { dir, cleanup: temp.cleanup };
}
