import { parse as parseToml } from 'smol-toml';
import type { ProjectProfile } from '../../analysis/types';
import { PYTHON_TOOLS } from '../dockerfile/python';
import { ProjectFiles } from '../project-files';
import { runtimeVersion, supportedVersions, type RuntimeVersion } from '../runtime-versions';
import type { Choice, ConfigKind, Unknown } from '../types';
import { noTemplateHint } from '../hints';

export type CiStepKind = 'install' | 'lint' | 'typecheck' | 'test' | 'build';

export interface CiStep {
  kind: CiStepKind;
  name: string;
  run: string;
}

/** A GitHub Actions step that sets the toolchain up (`uses` + `with`), before the run steps. */
export interface ActionStep {
  name: string;
  uses: string;
  with?: Record<string, string | boolean>;
}

/**
 * What a CI pipeline does for a project, whichever CI runs it: the runtime versions of the matrix,
 * the toolchain set-up, and the install, lint, type-check, test and build commands in order.
 */
export interface CiPlan {
  runtime: string;
  /** The matrix variable (`node-version`) and its values. */
  matrix: { name: string; values: string[] };
  /** GitHub Actions: the set-up steps; `${{ matrix.<name> }}` is the version. */
  actions: ActionStep[];
  /** Run before `install` in GitHub Actions (tools the set-up actions do not provide). */
  preInstall: string[];
  steps: CiStep[];
  /** GitLab CI and Jenkins: the image a job runs in, for one version. */
  image(version: string): string;
  /** GitLab CI: folders cached between jobs (inside the project), their key files, and the variables that point the tools at them. */
  cache: { paths: string[]; keyFiles: string[]; variables: Record<string, string> };
  /** GitLab CI and Jenkins run in a plain image: commands that set the tools up first. */
  containerSetup: string[];
}

const ELIXIR_OTP: Record<string, string> = { '1.14': '25', '1.15': '26', '1.16': '26', '1.17': '27', '1.18': '27' };

/**
 * The CI plan of a project, or undefined with an unknown when its stack has none. Each command
 * comes from the profile (install, test, build) or from a tool the project is seen to use (a lint
 * script, a tsconfig, ruff, mypy, clippy …); a step nothing points to is left out and said so.
 */
export function ciPlan(profile: ProjectProfile, choices: Choice[], unknowns: Unknown[], kind: ConfigKind = 'github-actions'): CiPlan | undefined {
  const files = new ProjectFiles(profile);
  const name = profile.runtime?.name;
  if (!name) {
    unknowns.push({ what: 'runtime', why: 'the profile found no runtime to set up', hint: 'See `deploy-agent analyze`.' });
    return undefined;
  }
  const version = runtimeVersion(profile, choices, unknowns, name);
  const builder = BUILDERS[name];
  if (!builder || !version) {
    unknowns.push({ what: 'CI template', why: `there is no CI template for ${name} yet`, hint: noTemplateHint(kind, profile, name) });
    return undefined;
  }
  const plan = builder({ profile, files, version, choices, unknowns, kind });
  if (!plan) return undefined;
  for (const step of plan.steps) {
    const d = step.kind === 'install' || step.kind === 'test' || step.kind === 'build' ? profile.detections[step.kind === 'install' || step.kind === 'test' ? 'commands' : 'commands.build'] : undefined;
    choices.push({ what: `${step.kind} step`, value: step.run, evidence: d?.evidence ?? [], reason: step.name, confidence: d?.confidence ?? 0.75 });
  }
  const compiling = COMPILER_TYPE_CHECKS.includes(plan.runtime) ? plan.steps.filter((s) => s.kind === 'test' || s.kind === 'build') : [];
  if (compiling.length && !plan.steps.some((s) => s.kind === 'typecheck')) {
    choices.push({ what: 'typecheck step', value: 'none of its own: the compiler checks the types', evidence: [], reason: `${compiling.map((s) => s.run).join(' and ')} ${compiling.length === 1 ? 'compiles' : 'compile'} the code, and a type error fails ${compiling.length === 1 ? 'it' : 'them'}`, confidence: 0.9 });
  }
  for (const step of ['lint', 'typecheck', 'test'] as const) {
    if (plan.steps.some((s) => s.kind === step) || (step === 'typecheck' && compiling.length)) continue;
    unknowns.push({ what: `${step} step`, why: `nothing in the project says how to ${step === 'typecheck' ? 'type-check' : step} it`, hint: step === 'test' ? 'Add a test command (a test script, pytest …).' : `Add a ${step} tool or script, then generate again.` });
  }
  return plan;
}

/** Runtimes whose compiler is the type check: their test and build steps compile the code, so no separate type-check step is missing. */
const COMPILER_TYPE_CHECKS: readonly string[] = ['go', 'rust', 'dotnet', 'java'];

interface PlanInput {
  profile: ProjectProfile;
  files: ProjectFiles;
  version: RuntimeVersion;
  choices: Choice[];
  unknowns: Unknown[];
  /** Which CI the plan is for (only a hint names it). */
  kind: ConfigKind;
}

type Builder = (input: PlanInput) => CiPlan | undefined;

function matrixChoice(input: PlanInput, name: string, range: string | undefined): { name: string; values: string[] } {
  const { versions, reason } = supportedVersions(input.version.name, range, input.version);
  input.choices.push({ what: 'version matrix', value: versions.join(', '), evidence: input.version.assumed ? [] : (input.profile.detections.runtime?.evidence ?? []), reason, confidence: input.version.assumed ? 0.4 : 0.85 });
  return { name, values: versions };
}

function testAndBuild(profile: ProjectProfile): CiStep[] {
  const steps: CiStep[] = [];
  if (profile.commands.test) steps.push({ kind: 'test', name: 'Test', run: profile.commands.test });
  if (profile.commands.build) steps.push({ kind: 'build', name: 'Build', run: profile.commands.build });
  return steps;
}

const node: Builder = (input) => {
  const { profile, files } = input;
  const pm = profile.packageManager ?? 'npm';
  const pkg = files.json<{ scripts?: Record<string, string>; engines?: { node?: string }; packageManager?: string; devDependencies?: Record<string, string>; dependencies?: Record<string, string> }>('package.json') ?? {};
  const scripts = pkg.scripts ?? {};
  const run = (script: string) => (pm === 'npm' ? `npm run ${script}` : `${pm} run ${script}`);
  const exec = (bin: string) => (pm === 'npm' ? `npx ${bin}` : pm === 'bun' ? `bunx ${bin}` : `${pm} exec ${bin}`);
  const locked = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'].find((l) => files.has(l));
  const install = pm === 'npm' ? (locked ? 'npm ci' : 'npm install') : pm === 'yarn' ? (files.has('.yarnrc.yml') ? 'yarn install --immutable' : 'yarn install --frozen-lockfile') : pm === 'pnpm' ? 'pnpm install --frozen-lockfile' : 'bun install --frozen-lockfile';
  const steps: CiStep[] = [{ kind: 'install', name: `Install (${pm})`, run: locked || pm !== 'npm' ? install : 'npm install' }];
  const lint = ['lint', 'eslint'].find((s) => scripts[s]);
  if (lint) steps.push({ kind: 'lint', name: `Lint (the ${lint} script)`, run: run(lint) });
  const typecheck = ['typecheck', 'type-check', 'check-types', 'tsc'].find((s) => scripts[s]);
  const typescript = Boolean(pkg.devDependencies?.typescript ?? pkg.dependencies?.typescript);
  if (typecheck) steps.push({ kind: 'typecheck', name: `Type-check (the ${typecheck} script)`, run: run(typecheck) });
  else if (typescript && files.has('tsconfig.json') && !/\btsc\b/.test(scripts.build ?? '')) steps.push({ kind: 'typecheck', name: 'Type-check (tsconfig.json, typescript)', run: exec('tsc --noEmit') });
  steps.push(...testAndBuild(profile));
  const bun = pm === 'bun';
  const matrix = matrixChoice(input, bun ? 'bun-version' : 'node-version', bun ? undefined : pkg.engines?.node);
  const actions: ActionStep[] = [];
  if (pm === 'pnpm') actions.push({ name: 'Set up pnpm', uses: 'pnpm/action-setup@v4', ...(pkg.packageManager?.startsWith('pnpm@') ? {} : { with: { version: '9' } }) });
  if (bun) actions.push({ name: 'Set up Bun', uses: 'oven-sh/setup-bun@v2', with: { 'bun-version': '${{ matrix.bun-version }}' } });
  else actions.push({ name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': '${{ matrix.node-version }}', ...(locked ? { cache: pm } : {}) } });
  const cacheDir = pm === 'pnpm' ? '.pnpm-store' : pm === 'yarn' ? '.yarn-cache' : pm === 'bun' ? '.bun-cache' : '.npm';
  return {
    runtime: bun ? 'bun' : 'node',
    matrix,
    actions,
    preInstall: [],
    steps,
    image: (v) => (bun ? `oven/bun:${v}-slim` : `node:${v}-bookworm-slim`),
    cache: { paths: [`${cacheDir}/`], keyFiles: locked ? [locked] : ['package.json'], variables: (pm === 'npm' ? { npm_config_cache: `$CI_PROJECT_DIR/${cacheDir}` } : pm === 'yarn' ? { YARN_CACHE_FOLDER: `$CI_PROJECT_DIR/${cacheDir}` } : pm === 'bun' ? { BUN_INSTALL_CACHE_DIR: `$CI_PROJECT_DIR/${cacheDir}` } : {}) as Record<string, string> },
    containerSetup: pm === 'pnpm' ? ['corepack enable', `pnpm config set store-dir ${cacheDir}`] : pm === 'yarn' && files.has('.yarnrc.yml') ? ['corepack enable'] : [],
  };
};

const python: Builder = (input) => {
  const { profile, files } = input;
  const pm = profile.packageManager ?? 'pip';
  const pyproject = readToml(files.read('pyproject.toml'));
  const tool = (pyproject.tool ?? {}) as Record<string, unknown>;
  const dep = (name: string) => profile.dependencies.some((d) => d.name === name);
  const prefix = pm === 'pip' ? '' : `${pm} run `;
  const steps: CiStep[] = [];
  const preInstall: string[] = [];
  if (pm === 'poetry') steps.push({ kind: 'install', name: 'Install (poetry, with the dev groups)', run: 'poetry install --no-interaction' });
  else if (pm === 'uv') steps.push({ kind: 'install', name: 'Install (uv)', run: files.has('uv.lock') ? 'uv sync --frozen' : 'uv sync' });
  else if (pm === 'pipenv') steps.push({ kind: 'install', name: 'Install (pipenv, with the dev packages)', run: files.has('Pipfile.lock') ? 'pipenv install --dev --deploy' : 'pipenv install --dev' });
  else if (pm === 'pdm') steps.push({ kind: 'install', name: 'Install (pdm)', run: 'pdm install' });
  else {
    const dev = ['requirements-dev.txt', 'requirements/dev.txt', 'dev-requirements.txt'].find((f) => files.has(f));
    const base = files.has('requirements.txt') ? 'requirements.txt' : undefined;
    const parts = [dev ? `-r ${dev}` : base ? `-r ${base}` : files.has('pyproject.toml') || files.has('setup.py') ? '-e .' : undefined].filter(Boolean);
    if (!parts.length) {
      input.unknowns.push({ what: 'Python install', why: 'no requirements file, pyproject.toml or setup.py', hint: 'Add a requirements.txt, then generate again.' });
      return undefined;
    }
    // The test runner the profile found, when no requirements file brings it.
    const runner = profile.tests.framework === 'pytest' && !dep('pytest') ? ' pytest' : '';
    steps.push({ kind: 'install', name: `Install (pip: ${dev ?? base ?? 'the project'}${runner ? ', and pytest' : ''})`, run: `python -m pip install ${parts.join(' ')}${runner}` });
  }
  if (pm === 'poetry') preInstall.push(`pipx install poetry==${PYTHON_TOOLS.poetry}`);
  if (pm === 'pipenv') preInstall.push(`pipx install pipenv==${PYTHON_TOOLS.pipenv}`);
  if (pm === 'pdm') preInstall.push(`pipx install pdm==${PYTHON_TOOLS.pdm}`);
  if (dep('ruff') || tool.ruff || files.has('ruff.toml') || files.has('.ruff.toml')) steps.push({ kind: 'lint', name: 'Lint (ruff)', run: `${prefix}ruff check .` });
  else if (dep('flake8') || files.has('.flake8')) steps.push({ kind: 'lint', name: 'Lint (flake8)', run: `${prefix}flake8` });
  if (dep('mypy') || tool.mypy || files.has('mypy.ini')) steps.push({ kind: 'typecheck', name: 'Type-check (mypy)', run: `${prefix}mypy .` });
  else if (dep('pyright') || tool.pyright) steps.push({ kind: 'typecheck', name: 'Type-check (pyright)', run: `${prefix}pyright` });
  steps.push(...testAndBuild(profile));
  const project = (pyproject.project ?? {}) as { 'requires-python'?: string };
  const matrix = matrixChoice(input, 'python-version', project['requires-python']);
  const cache = pm === 'poetry' ? 'poetry' : pm === 'pipenv' ? 'pipenv' : pm === 'pip' ? 'pip' : undefined;
  const actions: ActionStep[] = [{ name: 'Set up Python', uses: 'actions/setup-python@v5', with: { 'python-version': '${{ matrix.python-version }}', ...(cache ? { cache } : {}) } }];
  if (pm === 'uv') actions.push({ name: 'Set up uv', uses: 'astral-sh/setup-uv@v4', with: { version: PYTHON_TOOLS.uv, 'enable-cache': true } });
  return {
    runtime: 'python',
    matrix,
    actions,
    preInstall,
    steps,
    image: (v) => `python:${v}-slim-bookworm`,
    cache: { paths: ['.cache/'], keyFiles: [['poetry.lock', 'uv.lock', 'Pipfile.lock', 'pdm.lock', 'requirements.txt'].find((f) => files.has(f)) ?? 'pyproject.toml'], variables: { PIP_CACHE_DIR: '$CI_PROJECT_DIR/.cache/pip', UV_CACHE_DIR: '$CI_PROJECT_DIR/.cache/uv', POETRY_CACHE_DIR: '$CI_PROJECT_DIR/.cache/poetry' } },
    containerSetup: pm === 'uv' ? [`pip install uv==${PYTHON_TOOLS.uv}`] : preInstall.map((c) => c.replace(/^pipx install/, 'pip install')),
  };
};

const go: Builder = (input) => {
  const steps: CiStep[] = [{ kind: 'install', name: 'Download modules', run: 'go mod download' }, { kind: 'lint', name: 'Vet (go vet)', run: 'go vet ./...' }, ...testAndBuild(input.profile)];
  return {
    runtime: 'go',
    matrix: matrixChoice(input, 'go-version', undefined),
    actions: [{ name: 'Set up Go', uses: 'actions/setup-go@v5', with: { 'go-version': '${{ matrix.go-version }}', cache: true } }],
    preInstall: [],
    steps,
    image: (v) => `golang:${v}-bookworm`,
    cache: { paths: ['.go/pkg/mod/'], keyFiles: [input.files.has('go.sum') ? 'go.sum' : 'go.mod'], variables: { GOMODCACHE: '$CI_PROJECT_DIR/.go/pkg/mod' } },
    containerSetup: [],
  };
};

const rust: Builder = (input) => {
  const steps: CiStep[] = [
    { kind: 'install', name: 'Fetch crates', run: 'cargo fetch' },
    { kind: 'lint', name: 'Lint (rustfmt, clippy)', run: 'cargo fmt --all --check && cargo clippy --all-targets -- -D warnings' },
    ...testAndBuild(input.profile),
  ];
  return {
    runtime: 'rust',
    matrix: matrixChoice(input, 'rust-version', undefined),
    // Sets the toolchain up and caches crates and target/ (Swatinem/rust-cache inside).
    actions: [{ name: 'Set up Rust (cached)', uses: 'actions-rust-lang/setup-rust-toolchain@v1', with: { toolchain: '${{ matrix.rust-version }}', components: 'clippy, rustfmt' } }],
    preInstall: [],
    steps,
    image: (v) => `rust:${v}-bookworm`,
    cache: { paths: ['.cargo/', 'target/'], keyFiles: [input.files.has('Cargo.lock') ? 'Cargo.lock' : 'Cargo.toml'], variables: { CARGO_HOME: '$CI_PROJECT_DIR/.cargo' } },
    containerSetup: ['rustup component add clippy rustfmt'],
  };
};

const jvm: Builder = (input) => {
  const { profile, files } = input;
  const maven = profile.packageManager === 'maven';
  if (!maven && profile.packageManager !== 'gradle') {
    input.unknowns.push({ what: 'CI template', why: `no CI template for ${profile.packageManager ?? 'this JVM build'} yet (Maven and Gradle only)`, hint: noTemplateHint(input.kind, profile, profile.packageManager ?? 'the JVM build tool') });
    return undefined;
  }
  const steps: CiStep[] = [...(profile.commands.install ? [{ kind: 'install' as const, name: 'Resolve dependencies', run: profile.commands.install }] : []), ...testAndBuild(profile)];
  const actions: ActionStep[] = [{ name: 'Set up Java', uses: 'actions/setup-java@v4', with: { distribution: 'temurin', 'java-version': '${{ matrix.java-version }}', ...(maven ? { cache: 'maven' } : {}) } }];
  if (!maven) actions.push({ name: 'Set up Gradle', uses: 'gradle/actions/setup-gradle@v4' });
  return {
    runtime: 'java',
    matrix: matrixChoice(input, 'java-version', undefined),
    actions,
    preInstall: [],
    steps,
    image: (v) => (maven ? (files.has('mvnw') ? `eclipse-temurin:${v}-jdk` : `maven:3.9.9-eclipse-temurin-${v}`) : files.has('gradlew') ? `eclipse-temurin:${v}-jdk` : `gradle:8.11.1-jdk${v}`),
    cache: (maven ? { paths: ['.m2/repository/'], keyFiles: ['pom.xml'], variables: { MAVEN_OPTS: '-Dmaven.repo.local=$CI_PROJECT_DIR/.m2/repository' } } : { paths: ['.gradle/'], keyFiles: [files.first('build.gradle.kts', 'build.gradle') ?? 'build.gradle'], variables: { GRADLE_USER_HOME: '$CI_PROJECT_DIR/.gradle' } }) as CiPlan['cache'],
    containerSetup: [],
  };
};

const ruby: Builder = (input) => {
  const { profile } = input;
  const steps: CiStep[] = [];
  if (profile.dependencies.some((d) => d.name === 'rubocop' || d.name.startsWith('rubocop-'))) steps.push({ kind: 'lint', name: 'Lint (rubocop)', run: 'bundle exec rubocop' });
  steps.push(...testAndBuild(profile));
  return {
    runtime: 'ruby',
    matrix: matrixChoice(input, 'ruby-version', undefined),
    // bundler-cache runs bundle install and caches the gems.
    actions: [{ name: 'Set up Ruby (bundle install, cached)', uses: 'ruby/setup-ruby@v1', with: { 'ruby-version': '${{ matrix.ruby-version }}', 'bundler-cache': true } }],
    preInstall: [],
    steps,
    image: (v) => `ruby:${v}-bookworm`,
    cache: { paths: ['vendor/bundle/'], keyFiles: [input.files.has('Gemfile.lock') ? 'Gemfile.lock' : 'Gemfile'], variables: { BUNDLE_PATH: 'vendor/bundle' } },
    containerSetup: ['bundle install'],
  };
};

const php: Builder = (input) => {
  const { profile } = input;
  const steps: CiStep[] = [{ kind: 'install', name: 'Install (composer)', run: 'composer install --prefer-dist --no-progress --no-interaction' }];
  if (profile.dependencies.some((d) => d.name === 'phpstan/phpstan')) steps.push({ kind: 'typecheck', name: 'Static analysis (phpstan)', run: 'vendor/bin/phpstan analyse' });
  if (profile.dependencies.some((d) => d.name === 'laravel/pint')) steps.push({ kind: 'lint', name: 'Lint (pint)', run: 'vendor/bin/pint --test' });
  steps.push(...testAndBuild(profile));
  return {
    runtime: 'php',
    matrix: matrixChoice(input, 'php-version', undefined),
    actions: [{ name: 'Set up PHP', uses: 'shivammathur/setup-php@v2', with: { 'php-version': '${{ matrix.php-version }}', tools: 'composer:v2' } }],
    preInstall: [],
    steps,
    image: (v) => `php:${v}-cli-bookworm`,
    cache: { paths: ['.composer-cache/'], keyFiles: [input.files.has('composer.lock') ? 'composer.lock' : 'composer.json'], variables: { COMPOSER_CACHE_DIR: '$CI_PROJECT_DIR/.composer-cache' } },
    containerSetup: ['apt-get update && apt-get install -y --no-install-recommends git unzip', 'curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin --filename=composer'],
  };
};

const dotnet: Builder = (input) => {
  const { profile } = input;
  const steps: CiStep[] = [{ kind: 'install', name: 'Restore', run: 'dotnet restore' }, { kind: 'lint', name: 'Format check', run: 'dotnet format --verify-no-changes --no-restore' }, ...testAndBuild(profile)];
  return {
    runtime: 'dotnet',
    matrix: matrixChoice(input, 'dotnet-version', undefined),
    actions: [{ name: 'Set up .NET', uses: 'actions/setup-dotnet@v4', with: { 'dotnet-version': '${{ matrix.dotnet-version }}.x' } }],
    preInstall: [],
    steps,
    image: (v) => `mcr.microsoft.com/dotnet/sdk:${v}`,
    cache: { paths: ['.nuget/packages/'], keyFiles: ['**/*.csproj'], variables: { NUGET_PACKAGES: '$CI_PROJECT_DIR/.nuget/packages' } },
    containerSetup: [],
  };
};

const elixir: Builder = (input) => {
  const steps: CiStep[] = [
    { kind: 'install', name: 'Fetch dependencies', run: 'mix deps.get' },
    { kind: 'lint', name: 'Format check', run: 'mix format --check-formatted' },
    { kind: 'typecheck', name: 'Compile without warnings', run: 'mix compile --warnings-as-errors' },
    ...testAndBuild(input.profile),
  ];
  const minor = input.version.version.split('.').slice(0, 2).join('.');
  const otp = ELIXIR_OTP[minor] ?? '27';
  input.choices.push({ what: 'Erlang/OTP version', value: otp, evidence: [], reason: `the OTP release Elixir ${minor} is built against (setup-beam needs both)`, confidence: 0.7 });
  return {
    runtime: 'elixir',
    matrix: matrixChoice(input, 'elixir-version', undefined),
    // setup-beam installs Hex and Rebar itself.
    actions: [{ name: 'Set up Elixir', uses: 'erlef/setup-beam@v1', with: { 'elixir-version': '${{ matrix.elixir-version }}', 'otp-version': otp } }],
    preInstall: [],
    steps,
    image: (v) => `elixir:${v}`,
    cache: { paths: ['deps/', '_build/'], keyFiles: [input.files.has('mix.lock') ? 'mix.lock' : 'mix.exs'], variables: {} },
    containerSetup: ['mix local.hex --force && mix local.rebar --force'],
  };
};

const deno: Builder = (input) => {
  const { profile, files } = input;
  const entry = ['main.ts', 'server.ts', 'mod.ts', 'main.js', 'src/main.ts'].find((f) => files.has(f));
  const steps: CiStep[] = [{ kind: 'install', name: 'Install', run: 'deno install' }, { kind: 'lint', name: 'Lint (deno lint)', run: 'deno lint' }];
  if (entry) steps.push({ kind: 'typecheck', name: `Type-check (${entry})`, run: `deno check ${entry}` });
  steps.push(...testAndBuild(profile));
  return {
    runtime: 'deno',
    matrix: matrixChoice(input, 'deno-version', undefined),
    actions: [{ name: 'Set up Deno', uses: 'denoland/setup-deno@v2', with: { 'deno-version': '${{ matrix.deno-version }}', cache: true } }],
    preInstall: [],
    steps,
    image: (v) => `denoland/deno:${v}`,
    cache: { paths: ['.deno/'], keyFiles: [files.has('deno.lock') ? 'deno.lock' : files.first('deno.json', 'deno.jsonc') ?? 'deno.json'], variables: { DENO_DIR: '$CI_PROJECT_DIR/.deno' } },
    containerSetup: [],
  };
};

const BUILDERS: Record<string, Builder> = { node, bun: node, python, go, rust, java: jvm, jvm, ruby, php, dotnet, elixir, deno };

function readToml(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
