import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBuiltCli } from '../../support/cli';
import { tempDir } from '../../support/temp';

/** `deploy-agent deploy … > out.txt`: what stdout keeps of a deployment that stopped must say why (its code), not only "setup-failed". */
describe('deploy: the summary on stdout of a deployment that could not start', function () {
  this.timeout(120_000);

  it('names the failure’s code on stdout, says the message is on stderr once, and counts "0 repair rounds"', async () => {
    const dir = tempDir();
    try {
      const folder = path.join(dir.path, 'not-a-repo');
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'rec.json'), JSON.stringify({ title: 'Add a health endpoint', description: 'GET /health answers 200.', category: 'feature' }));
      const run = await runBuiltCli(['--db', path.join(dir.path, 'h.db'), 'deploy', 'rec.json'], { cwd: folder, env: { OLLAMA_HOST: 'http://127.0.0.1:9', ANTHROPIC_API_KEY: '' } });
      assert.equal(run.code, 1, run.stderr);
      const first = run.stdout.split('\n')[0] ?? '';
      assert.match(first, /^Deployment \w+: (setup-failed|refused) \(([A-Z_]+); the reason is on stderr\)$/, run.stdout);
      const code = /\(([A-Z_]+);/.exec(first)![1]!;
      assert.match(run.stdout, /; 0 repair rounds$/m);
      assert.equal(run.stderr.split(`error [${code}]`).length - 1, 1, `the message once, on stderr:\n${run.stderr}`);
    } finally {
      dir.cleanup();
    }
  });
});
