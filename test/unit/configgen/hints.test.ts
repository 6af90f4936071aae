import assert from 'node:assert/strict';
import { generateConfigs, type GenerateOptions } from '../../../src/core/configgen/generate';
import type { ConfigKind } from '../../../src/core/configgen/types';
import { fixtureRepo } from './fixture-repo';

/** What generate-config says when it cannot generate: something a user can do next, never back where they came from. */
describe('configgen: what to do when nothing is generated', function () {
  this.timeout(60_000);

  async function generate(fixture: string, kinds: ConfigKind[], options: GenerateOptions = {}) {
    const repo = fixtureRepo(fixture);
    try {
      return await generateConfigs(repo.dir, kinds, { env: {}, ...options });
    } finally {
      repo.cleanup();
    }
  }
  const hintOf = (result: { unknowns: { what: string; hint: string }[] }, what: string) => result.unknowns.find((u) => u.what === what)?.hint ?? '';

  for (const [fixture, build, start] of [
    ['zig-http', 'zig build -Doptimize=ReleaseSafe', './zig-out/bin/echo-server'],
    ['crystal-kemal', 'shards build --release --production', './bin/pastebin'],
    ['swift-vapor', 'swift build -c release --product App', './.build/release/App'],
  ] as const) {
    it(`${fixture}, a stack without templates: the model writes the files through the pipeline, or the user does with the project's own commands`, async () => {
      const [docker, ci] = await generate(fixture, ['dockerfile', 'github-actions']);
      const dockerHint = hintOf(docker!, 'Dockerfile template');
      assert.match(dockerHint, /`deploy-agent recommendations --missing --save dockerfile` saves that recommendation and prints how to deploy it/);
      assert.ok(dockerHint.includes(`build with \`${build}\``) && dockerHint.includes(`runs \`${start}\``), dockerHint);
      const ciHint = hintOf(ci!, 'CI template');
      assert.match(ciHint, /`deploy-agent recommendations --missing --save github-actions`/);
      assert.ok(ciHint.includes(`\`${build}\``), ciHint);
      for (const hint of [dockerHint, ciHint]) assert.doesNotMatch(hint, /adapts a template/, 'there is no template to adapt');
    });
  }

  it('a monorepo: the root names the projects that start; a project of it says how to build its image from the root, never "generate from the root"', async () => {
    const [rootDocker, rootTarget] = await generate('monorepo-npm-workspaces', ['dockerfile', 'target']);
    for (const result of [rootDocker!, rootTarget!]) {
      assert.match(hintOf(result, 'start command'), /^This folder is a workspace whose projects start, not the folder itself: generate for one of them with --project packages\/api \(`npm start`\) or --project packages\/web /);
    }

    const [api] = await generate('monorepo-npm-workspaces', ['dockerfile'], { project: 'packages/api' });
    const hint = hintOf(api!, 'lockfile');
    assert.match(hint, /^Write packages\/api\/Dockerfile yourself and build it with the workspace root as its context \(`docker build -f packages\/api\/Dockerfile \.`\)/);
    assert.match(hint, /install with `npm ci`.* build it with `npm run build -w packages\/api` and start it with `npm run start -w packages\/api`/);
    assert.doesNotMatch(hint, /--project|from the workspace root/, 'the user is there already, and the root cannot generate it either');

    const [shared] = await generate('monorepo-npm-workspaces', ['target'], { project: 'packages/shared' });
    const sharedHint = hintOf(shared!, 'start command');
    assert.match(sharedHint, /^packages\/shared does not start by itself .* with --project packages\/api \(`npm start`\) or --project packages\/web/);
    assert.doesNotMatch(sharedHint, /--project packages\/shared/);
  });

  for (const fixture of ['go-gin', 'rust-axum', 'dotnet-aspnetcore']) {
    it(`${fixture}: no type-check step is missing, the compiler checks the types in the test and build steps`, async () => {
      const [ci] = await generate(fixture, ['github-actions']);
      assert.deepEqual(ci!.unknowns.filter((u) => u.what === 'typecheck step'), []);
      const choice = ci!.choices.find((c) => c.what === 'typecheck step')!;
      assert.equal(choice.value, 'none of its own: the compiler checks the types');
      const profile = ci!.profile;
      assert.equal(choice.reason, `${profile.commands.test} and ${profile.commands.build} compile the code, and a type error fails them`);
    });
  }

  it('a JavaScript project without a type checker is still told that nothing type-checks it', async () => {
    const [ci] = await generate('node-express', ['github-actions']);
    assert.match(hintOf(ci!, 'typecheck step'), /Add a typecheck tool or script/);
  });
});
