import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { confineCommand, detectConfinementTool, sandboxConfinement } from '../../../src/core/confinement';
import { toolsUnderTmp } from '../../../src/core/confinement/wrap';
import { tempDir } from '../../support/temp';

/**
 * A project cloned into /tmp (CI does this; so does `git clone` into a scratch folder) runs its
 * tests with node_modules/.bin — under /tmp — on PATH. The confined run gets a fresh /tmp; the
 * folder that holds the tools must be seen again (read-only), the rest of the machine's /tmp not.
 */
describe('confined runs find their tools under /tmp (real bubblewrap)', () => {
  let tools: ReturnType<typeof tempDir>;
  let other: ReturnType<typeof tempDir>;
  let sandbox: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tools = tempDir('deploy-agent-tools-');
    other = tempDir('deploy-agent-other-');
    sandbox = tempDir('deploy-agent-sandbox-');
  });
  afterEach(() => [tools, other, sandbox].forEach((t) => t.cleanup()));

  it('a PATH folder under /tmp (a link into its own tree) runs; another folder of /tmp stays hidden and nothing there is writable', async function () {
    const tool = await detectConfinementTool(process.env);
    if (tool.kind !== 'bubblewrap') return this.skip();
    // node_modules/.bin/greet → ../greeter/greet.sh, as npm lays out a package's executable.
    mkdirSync(path.join(tools.path, 'node_modules', '.bin'), { recursive: true });
    mkdirSync(path.join(tools.path, 'node_modules', 'greeter'), { recursive: true });
    const script = path.join(tools.path, 'node_modules', 'greeter', 'greet.sh');
    const secret = path.join(other.path, 'secret.txt');
    writeFileSync(secret, 'not for the run\n');
    writeFileSync(
      script,
      `#!/bin/sh\necho "greeted"\ncat ${JSON.stringify(secret)} 2>/dev/null && echo "SECRET READ"\necho x > ${JSON.stringify(path.join(tools.path, 'planted'))} 2>/dev/null && echo "TOOLS WRITTEN"\nexit 0\n`,
    );
    chmodSync(script, 0o755);
    symlinkSync('../greeter/greet.sh', path.join(tools.path, 'node_modules', '.bin', 'greet'));
    const env = { ...process.env, PATH: `${path.join(tools.path, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
    const rules = sandboxConfinement({ kind: 'bubblewrap', tool: tool.command, sandboxDir: sandbox.path, network: false, env });
    const wrapped = confineCommand(rules, { command: 'greet', args: [], cwd: sandbox.path, env });
    const run = spawnSync(wrapped.command, wrapped.args, { env: wrapped.env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /greeted/);
    assert.doesNotMatch(run.stdout, /SECRET READ/);
    assert.doesNotMatch(run.stdout, /TOOLS WRITTEN/);
    // The sandbox (under /tmp as well) stays writable.
    const write = confineCommand(rules, { command: 'sh', args: ['-c', 'echo ok > written && cat written'], cwd: sandbox.path, env });
    assert.equal(execFileSync(write.command, write.args, { env: write.env, encoding: 'utf8' }).trim(), 'ok');
  });

  it('only the top folders under /tmp that hold the command or a PATH entry are named', () => {
    const env = { PATH: ['/usr/bin', path.join(tools.path, 'a', 'bin'), '/var/tmp-not-a-root/bin', 'relative/bin'].join(path.delimiter) };
    assert.deepEqual(toolsUnderTmp({ command: 'node', env }), [tools.path]);
    assert.deepEqual(toolsUnderTmp({ command: path.join(other.path, 'x', 'run'), env: { PATH: '/usr/bin' } }), [other.path]);
    assert.deepEqual(toolsUnderTmp({ command: 'node', env: { PATH: '/usr/bin:/bin' } }), []);
  });
});
