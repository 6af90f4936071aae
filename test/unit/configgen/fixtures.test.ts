import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { formatGeneration } from '../../../src/core/configgen/format';
import { generateConfigs, type ConfigGeneration } from '../../../src/core/configgen/generate';
import { shellWords, startInImage } from '../../../src/core/configgen/start-command';
import { CONFIG_KINDS, type ConfigKind } from '../../../src/core/configgen/types';
import { stackFixtures } from '../analysis/expectations';
import { fixtureRepo } from './fixture-repo';

/** The stacks the issue names, with a Dockerfile and CI template each (a static site is served by Node). */
const TEMPLATED = new Set(['node', 'bun', 'python', 'go', 'rust', 'java', 'jvm', 'ruby', 'php', 'dotnet', 'elixir', 'deno']);
const NO_START = new Set(['monorepo-npm-workspaces', 'node-sveltekit']);
/** The backing services each fixture's code needs (the others need none). */
const SERVICES: Record<string, string[]> = { 'go-echo': ['postgres'], 'go-fiber': ['postgres'], 'go-gin': ['postgres'], 'python-flask-pip': ['redis'], 'node-express': ['postgres'], 'python-django': ['postgres'], 'ruby-rails': ['postgres'], 'node-nextjs': ['postgres'], 'elixir-phoenix': ['postgres'], 'java-spring-maven': [] };

function byKind(results: ConfigGeneration[]): Record<ConfigKind, ConfigGeneration> {
  return Object.fromEntries(results.map((r) => [r.kind, r])) as Record<ConfigKind, ConfigGeneration>;
}

describe('configgen: every stack fixture', function () {
  this.timeout(120_000);

  for (const name of stackFixtures()) {
    it(`${name}: each generated file passes its checks, the evidence of each choice is right, the start agrees with the profile`, async () => {
      const repo = fixtureRepo(name);
      try {
        const results = await generateConfigs(repo.dir, CONFIG_KINDS, { env: {} });
        const r = byKind(results);
        const profile = results[0]!.profile;
        const runtime = profile.runtime?.name ?? (profile.artifact?.kind === 'static' ? 'node' : undefined);
        const templated = Boolean(runtime && TEMPLATED.has(runtime) && (runtime !== 'java' && runtime !== 'jvm' ? true : profile.packageManager === 'maven' || profile.packageManager === 'gradle'));

        // Checks: every file has run checks of its own kind besides the secret check, and none found a problem.
        for (const result of results) {
          for (const report of result.checks) {
            assert.ok(report.ran.some((c) => !c.startsWith('secret:')), `${report.file} was checked by nothing but the secret check`);
            assert.deepEqual(report.problems, [], `${report.file}: ${JSON.stringify(report.problems)}`);
          }
          if (!result.files.length) assert.ok(result.skipped && result.unknowns.length, `${result.kind}: nothing generated and nothing said why`);
          // The text says each piece of evidence once: a reason that names its file gets no second "(go.mod)".
          const repeated = formatGeneration(result).split('\n').filter((line) => /(\([^()]+\)) \1/.test(line));
          assert.deepEqual(repeated, [], `${result.kind}: evidence said twice`);
        }

        // Dockerfile: generated for the templated stacks that have a production start; else said why not.
        const docker = r.dockerfile;
        if (!templated || NO_START.has(name)) {
          assert.equal(docker.files.length, 0);
          assert.match(docker.skipped!, NO_START.has(name) ? /start command/ : /no Dockerfile template/);
        } else {
          const text = docker.files.find((f) => f.path === 'Dockerfile')!.content;
          const choice = (what: string) => docker.choices.find((c) => c.what === what);
          const start = profile.commands.start!;
          const image = startInImage(start)!;
          // The exec-form CMD is the profile's start, word for word once the documented run-wrapper is gone.
          const cmd = JSON.parse(/^CMD (.+)$/m.exec(text)![1]!) as string[];
          assert.deepEqual(cmd, image.argv);
          const words = shellWords(start)!;
          const dropped = words.slice(0, words.length - cmd.length).filter((w) => !/^[A-Z_]+=/.test(w)).join(' ');
          assert.ok(['', 'poetry run', 'uv run', 'pipenv run', 'pdm run', 'npx --yes', 'npx', 'bunx'].includes(dropped), `dropped ${dropped}`);
          assert.deepEqual(words.slice(words.length - cmd.length).map((w) => w.replace(/^serve@\d+$/, 'serve')), cmd);
          for (const [k, v] of Object.entries(image.env)) assert.match(text, new RegExp(`^ENV .*\\b${k}=${v}\\b`, 'm'));
          assert.deepEqual(choice('start command')!.evidence, profile.detections['commands.start']!.evidence);
          // The base image carries the runtime version the project declares (or the one assumed, said as unknown).
          const version = docker.choices.find((c) => c.what.endsWith(' version'))!;
          assert.match(text, new RegExp(`^FROM \\S+:${version.value.replace(/\./g, '\\.')}\\b`, 'm'));
          if (version.confidence > 0.5) assert.ok(profile.runtime?.version && (profile.runtime.version.startsWith(version.value) || version.value.startsWith(profile.runtime.version.split('.')[0]!)), `${version.value} is not ${profile.runtime?.version}`);
          else assert.ok(docker.unknowns.some((u) => u.what === version.what), 'an assumed version is said as unknown');
          // Port and health check.
          if (profile.port !== null) {
            assert.match(text, new RegExp(`^EXPOSE ${profile.port}$`, 'm'));
            assert.deepEqual(choice('port')!.evidence, profile.detections.port!.evidence);
          } else assert.doesNotMatch(text, /^EXPOSE/m);
          const health = choice('health check');
          if (health) {
            assert.match(text, new RegExp(`^HEALTHCHECK .*127\\.0\\.0\\.1:${profile.port}${health.value}`, 'm'));
            assert.ok(readFileSync(path.join(repo.dir, health.evidence[0]!), 'utf8').includes(health.value), `${health.evidence[0]} does not have ${health.value}`);
          } else assert.doesNotMatch(text, /^HEALTHCHECK/m);
          assert.match(docker.files.find((f) => f.path === '.dockerignore')!.content, /^\.env$/m);
        }

        // CI: one plan, three pipelines; install, test and build are the profile's (the CI install adds the dev dependencies).
        // A site with nothing to build or test (no runtime) gets no pipeline.
        const ciTemplated = templated && Boolean(profile.runtime);
        for (const kind of ['github-actions', 'gitlab-ci', 'jenkins'] as const) {
          if (!ciTemplated) {
            assert.equal(r[kind].files.length, 0, kind);
            continue;
          }
          assert.equal(r[kind].files.length, 1, `${kind}: ${r[kind].skipped}`);
          const content = r[kind].files[0]!.content;
          if (profile.commands.test) assert.ok(content.includes(profile.commands.test), `${kind} does not run ${profile.commands.test}`);
          if (profile.commands.build) assert.ok(content.includes(profile.commands.build), `${kind} does not run ${profile.commands.build}`);
        }
        if (ciTemplated) {
          const workflow = parse(r['github-actions'].files[0]!.content) as { on: Record<string, { branches: string[] }>; jobs: { build: { strategy: { matrix: Record<string, string[]> } } } };
          assert.deepEqual(workflow.on.push?.branches, ['main']);
          assert.deepEqual(workflow.on.pull_request?.branches, ['main']);
          const matrix = Object.values(workflow.jobs.build.strategy.matrix)[0]!;
          assert.deepEqual(matrix, r['github-actions'].choices.find((c) => c.what === 'version matrix')!.value.split(', '));
        }

        // Compose: exactly the services the code needs.
        const services = r.compose.files.length ? Object.keys((parse(r.compose.files[0]!.content) as { services: Record<string, unknown> }).services) : [];
        assert.deepEqual(services, SERVICES[name] ?? []);

        // .env.example: the application's variables, names only.
        const env = r.env.files[0]?.content ?? '';
        for (const v of profile.envVars.filter((x) => !['HOME', 'PATH'].includes(x))) assert.match(env, new RegExp(`^${v}=$`, 'm'));

        // Release target: the profile's production start, build and migration.
        if (profile.commands.start) {
          const target = (JSON.parse(r.target.files[0]!.content) as { targets: { local: { start: string; steps?: Record<string, string> } } }).targets.local;
          assert.equal(target.start, profile.commands.start);
          assert.equal(target.steps?.build, profile.commands.build ?? undefined);
          assert.equal(target.steps?.migrate, profile.commands.migrate ?? undefined);
        } else assert.equal(r.target.files.length, 0);
      } finally {
        repo.cleanup();
      }
    });
  }
});
