import { cleanVersion, findings, framework, portsFromCode, versionRange, type ProjectContext, type StackFindings } from './context';
import { nodeMigration, nodeProduction } from './node-production';
import type { DependencyInfo } from '../types';

interface PackageJson {
  name?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: Record<string, string>;
  packageManager?: string;
  workspaces?: string[] | { packages?: string[] };
}

/** Frameworks by npm package: [canonical name, default port, config files]. */
const FRAMEWORKS: [string, string, number | null, RegExp | null][] = [
  ['next', 'nextjs', 3000, /^next\.config\.(js|mjs|cjs|ts)$/],
  ['@remix-run/react', 'remix', 3000, /^remix\.config\.(js|mjs|cjs)$/],
  ['@remix-run/node', 'remix', 3000, null],
  ['nuxt', 'nuxt', 3000, /^nuxt\.config\.(js|ts)$/],
  ['@sveltejs/kit', 'sveltekit', 5173, /^svelte\.config\.(js|mjs)$/],
  ['astro', 'astro', 4321, /^astro\.config\.(mjs|js|ts)$/],
  ['gatsby', 'gatsby', 8000, /^gatsby-config\.(js|ts)$/],
  ['@nestjs/core', 'nestjs', 3000, /^nest-cli\.json$/],
  ['express', 'express', null, null],
  ['fastify', 'fastify', null, null],
  ['koa', 'koa', null, null],
  ['hono', 'hono', null, null],
  ['@angular/core', 'angular', 4200, /^angular\.json$/],
  ['react', 'react', null, null],
  ['vue', 'vue', null, /^vue\.config\.js$/],
  ['svelte', 'svelte', null, null],
  ['vite', 'vite', 5173, /^vite\.config\.(js|mjs|cjs|ts|mts)$/],
  ['react-scripts', 'create-react-app', 3000, null],
  ['@vue/cli-service', 'vue-cli', 8080, null],
  ['electron', 'electron', null, null],
];

const TEST_FRAMEWORKS: [string, string][] = [
  ['vitest', 'vitest'], ['jest', 'jest'], ['mocha', 'mocha'], ['jasmine', 'jasmine'], ['ava', 'ava'], ['@playwright/test', 'playwright'], ['cypress', 'cypress'], ['karma', 'karma'], ['tap', 'tap'], ['uvu', 'uvu'],
];

function lockedVersions(ctx: ProjectContext, walkUp: (name: string) => string | undefined): { versions: Map<string, string>; lockfile?: string } {
  const versions = new Map<string, string>();
  const pkgLockPath = walkUp('package-lock.json');
  if (pkgLockPath) {
    const lock = ctx.json<{ packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> }>(pkgLockPath);
    for (const [key, value] of Object.entries(lock?.packages ?? {})) {
      const i = key.lastIndexOf('node_modules/');
      if (i >= 0 && value.version) {
        const name = key.slice(i + 13);
        if (!versions.has(name) || key === `node_modules/${name}`) versions.set(name, value.version);
      }
    }
    for (const [name, value] of Object.entries(lock?.dependencies ?? {})) if (value.version && !versions.has(name)) versions.set(name, value.version);
    return { versions, lockfile: pkgLockPath };
  }
  const yarnPath = walkUp('yarn.lock');
  if (yarnPath) {
    const text = ctx.read(yarnPath) ?? '';
    const re = /^"?(@?[^@\s"]+)@[^\n]*:\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:?\s+"?([^"\s]+)"?/gm;
    for (const m of text.matchAll(re)) if (!versions.has(m[1]!)) versions.set(m[1]!, m[2]!);
    return { versions, lockfile: yarnPath };
  }
  const pnpmPath = walkUp('pnpm-lock.yaml');
  if (pnpmPath) {
    const text = ctx.read(pnpmPath) ?? '';
    for (const m of text.matchAll(/^ {2}['"]?\/?(@?[^@\s'"/]+(?:\/[^@\s'"]+)?)@(\d[^:('"\s]*)/gm)) if (!versions.has(m[1]!)) versions.set(m[1]!, m[2]!);
    return { versions, lockfile: pnpmPath };
  }
  const bunPath = walkUp('bun.lock');
  if (bunPath) {
    const text = ctx.read(bunPath) ?? '';
    for (const m of text.matchAll(/"(@?[^"@\s]+)@(\d[^"]*)"/g)) if (!versions.has(m[1]!)) versions.set(m[1]!, m[2]!);
    return { versions, lockfile: bunPath };
  }
  return { versions };
}

export function detectNode(ctx: ProjectContext, workspaceHas: (p: string) => boolean): StackFindings | undefined {
  const pkg = ctx.json<PackageJson>('package.json');
  if (!pkg) return undefined;
  const f = findings('npm', ['typescript', 'javascript', 'vue', 'svelte', 'astro']);
  const manifest = ctx.rel('package.json');
  // Lockfiles live in the project or, in workspaces, at an ancestor.
  const walkUp = (name: string): string | undefined => {
    let dir = ctx.dir;
    for (;;) {
      const candidate = dir === '.' ? name : `${dir}/${name}`;
      if (workspaceHas(candidate)) return ctx.dir === '.' ? candidate : relativeTo(ctx.dir, candidate);
      if (dir === '.') return undefined;
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '.';
    }
  };
  const { versions, lockfile } = lockedVersions(ctx, walkUp);
  const deps: DependencyInfo[] = [];
  for (const [table, dev] of [[pkg.dependencies, false], [pkg.devDependencies, true]] as const) {
    for (const [name, spec] of Object.entries(table ?? {})) {
      const locked = versions.get(name);
      deps.push({ name, version: locked ?? (typeof spec === 'string' ? spec : null), dev, ecosystem: 'npm', locked: Boolean(locked) });
    }
  }
  f.dependencies = deps;
  const dep = (name: string) => deps.find((d) => d.name === name);

  // package manager
  const pmField = pkg.packageManager?.split('@')[0];
  const lockPm: [string, string][] = [['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['bun.lockb', 'bun'], ['bun.lock', 'bun'], ['package-lock.json', 'npm']];
  const lockHit = lockPm.map(([file, pm]) => ({ file: walkUp(file), pm })).find((x) => x.file);
  if (lockHit) f.packageManager = { value: lockHit.pm, confidence: 0.95, evidence: [ctx.rel(lockHit.file!)] };
  else if (pmField) f.packageManager = { value: pmField, confidence: 0.9, evidence: [manifest] };
  else f.packageManager = { value: 'npm', confidence: 0.6, evidence: [manifest] };
  const pm = f.packageManager.value;

  // runtime
  const nvmrc = ['.nvmrc', '.node-version'].find((n) => ctx.has(n) || walkUp(n));
  const nodeVersion = nvmrc ? cleanVersion(ctx.read(walkUp(nvmrc) ?? nvmrc)?.trim()) : null;
  const toolVersions = /^nodejs\s+(\S+)/m.exec(ctx.read('.tool-versions') ?? '')?.[1];
  if (pm === 'bun') f.runtime = { value: { name: 'bun', version: null }, confidence: 0.85, evidence: [ctx.rel(lockHit?.file ?? 'package.json')] };
  else if (nodeVersion) f.runtime = { value: { name: 'node', version: nodeVersion }, confidence: 0.95, evidence: [ctx.rel(walkUp(nvmrc!) ?? nvmrc!)] };
  else if (toolVersions) f.runtime = { value: { name: 'node', version: cleanVersion(toolVersions) }, confidence: 0.9, evidence: [ctx.rel('.tool-versions')] };
  else if (pkg.engines?.node) f.runtime = { value: { name: 'node', version: cleanVersion(pkg.engines.node), range: versionRange(pkg.engines.node) }, confidence: 0.85, evidence: [manifest] };
  else f.runtime = { value: { name: 'node', version: null }, confidence: 0.7, evidence: [manifest] };

  // frameworks
  const seen = new Set<string>();
  let defaultPort: { port: number; name: string } | undefined;
  for (const [pkgName, name, port, config] of FRAMEWORKS) {
    const d = dep(pkgName);
    const configFile = config ? ctx.find(config).find((x) => !x.path.slice(ctx.dir === '.' ? 0 : ctx.dir.length + 1).includes('/')) : undefined;
    if ((!d && !configFile) || seen.has(name)) continue;
    seen.add(name);
    const evidence = [manifest, ...(configFile ? [configFile.path] : [])];
    f.frameworks.push(framework(name, cleanVersion(d?.version), d && configFile ? 0.95 : d ? 0.9 : 0.6, evidence));
    if (port && !defaultPort) defaultPort = { port, name };
  }

  // tests
  const testScript = pkg.scripts?.test && !/no test specified/.test(pkg.scripts.test) ? pkg.scripts.test : undefined;
  const tf = TEST_FRAMEWORKS.find(([p]) => dep(p));
  // The test script with the scripts it runs (`npm run test:unit` …): the runner they name is the one in use.
  const testCommands = testScript ? expandScripts(testScript, pkg.scripts ?? {}) : '';
  const scriptTf = testScript ? TEST_FRAMEWORKS.find(([p, n]) => new RegExp(`\\b${n}\\b`).test(testCommands) && dep(p)) : undefined;
  const chosen = scriptTf ?? tf;
  if (chosen) f.testFramework = { value: chosen[1], confidence: scriptTf ? 0.95 : 0.8, evidence: [manifest] };
  else if (testScript && /node\s+(--[\w-]+\s+)*--test\b/.test(testCommands)) f.testFramework = { value: 'node-test', confidence: 0.9, evidence: [manifest] };

  // commands
  const run = (script: string) => (pm === 'npm' ? (script === 'test' || script === 'start' ? `npm ${script}` : `npm run ${script}`) : `${pm} ${script === 'test' ? 'test' : `run ${script}`}`);
  const install = pm === 'npm' ? (lockfile ? 'npm ci' : 'npm install') : `${pm} install`;
  f.commands.install = install;
  f.commands.build = null;
  f.commands.start = null;
  if (testScript) f.commands.test = run('test');
  f.commandEvidence = [manifest];

  // port
  const codePort = portsFromCode(ctx, f.languages);
  const serverScripts = `${pkg.scripts?.start ?? ''} ${pkg.scripts?.dev ?? ''}`;
  const flagPort = /(?:--port|-p)[ =](\d{2,5})\b/.exec(serverScripts)?.[1] ?? /\bPORT=(\d{2,5})\b/.exec(serverScripts)?.[1];
  if (flagPort) f.port = { value: Number(flagPort), confidence: 0.9, evidence: [manifest] };
  else if (codePort) f.port = codePort;
  else if (defaultPort) f.port = { value: defaultPort.port, confidence: 0.6, evidence: [manifest] };

  nodeProduction(ctx, f, pkg, run, f.port?.value);
  nodeMigration(ctx, f);

  // build tool
  const buildScript = pkg.scripts?.build ?? '';
  const tools: [RegExp, string][] = [[/\bnext\b/, 'next'], [/\bremix\b/, 'remix'], [/\bnuxt\b/, 'nuxt'], [/\bng\b/, 'angular-cli'], [/\bnest\b/, 'nest-cli'], [/\bvite\b/, 'vite'], [/\breact-scripts\b/, 'react-scripts'], [/\bvue-cli-service\b/, 'vue-cli'], [/\bastro\b/, 'astro'], [/\bwebpack\b/, 'webpack'], [/\besbuild\b/, 'esbuild'], [/\brollup\b/, 'rollup'], [/\btsup\b/, 'tsup'], [/\bparcel\b/, 'parcel'], [/\btsc\b/, 'tsc'], [/\bturbo\b/, 'turbo']];
  const tool = tools.find(([re]) => re.test(buildScript));
  if (tool) f.buildTool = { value: tool[1], confidence: 0.9, evidence: [manifest] };
  else if (seen.has('vite')) f.buildTool = { value: 'vite', confidence: 0.7, evidence: [manifest] };

  return f;
}

function relativeTo(dir: string, workspacePath: string): string {
  const up = dir.split('/').length;
  return workspacePath.startsWith(dir + '/') ? workspacePath.slice(dir.length + 1) : '../'.repeat(up) + workspacePath;
}

/** A script with the package scripts it runs (`npm run x`, `pnpm x`, `yarn run x`), a few levels deep. */
function expandScripts(script: string, scripts: Record<string, string>, depth = 0): string {
  if (depth > 3) return script;
  const called = [...script.matchAll(/\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+|run-script\s+)?([\w:.-]+)/g)].map((m) => m[1]!).filter((name) => scripts[name] && name !== 'install');
  return [script, ...called.map((name) => expandScripts(scripts[name]!, scripts, depth + 1))].join(' && ');
}
