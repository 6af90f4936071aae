import { setCommand, type ProjectContext, type StackFindings } from './context';

export interface NodeManifest {
  main?: string;
  scripts?: Record<string, string>;
}

/**
 * Scripts that run a development server or a watcher, not what a server runs in production: a
 * `start` script like these is the development command, and the production start is inferred.
 */
const DEV_SERVER = [
  /^ng\s+serve\b/, /^vite(\s+(dev|serve)\b|\s+--|\s*$)/, /^react-scripts\s+start\b/, /^vue-cli-service\s+serve\b/, /^next\s+dev\b/, /^nuxi?\s+dev\b/,
  /^remix\s+(vite:)?dev\b/, /^astro\s+dev\b/, /^gatsby\s+develop\b/, /^nest\s+start\b/, /^nodemon\b/, /^ts-node-dev\b/, /^tsx\s+watch\b/, /^node\s+--watch\b/,
  /^webpack(-dev-server|\s+serve)\b/, /^parcel(\s+serve)?\s+[^b]/, /^svelte-kit\s+dev\b/, /^ts-node\b/,
];

export const isDevServer = (script: string | undefined) => Boolean(script && DEV_SERVER.some((re) => re.test(script.trim())));

/** Single-page / static-site builds and the folder they write, when the project has no server of its own. */
function staticOutput(ctx: ProjectContext, has: (name: string) => boolean, dep: (name: string) => { version: string | null } | undefined): { dir: string; why: string; evidence: string[] } | undefined {
  if (['express', 'fastify', 'koa', 'hono', 'nestjs', 'nextjs', 'remix', 'nuxt'].some(has)) return undefined;
  if (has('astro')) return ctx.read('astro.config.mjs')?.includes("output: 'server'") ? undefined : { dir: 'dist', why: 'Astro builds a static site into dist/ by default', evidence: [] };
  if (has('gatsby')) return { dir: 'public', why: 'Gatsby builds a static site into public/', evidence: [] };
  if (has('sveltekit')) {
    const config = ctx.read('svelte.config.js') ?? ctx.read('svelte.config.mjs') ?? '';
    return /adapter-static/.test(config) ? { dir: 'build', why: '@sveltejs/adapter-static writes the site into build/', evidence: [ctx.rel('svelte.config.js')] } : undefined;
  }
  if (has('angular')) {
    const angular = ctx.json<{ projects?: Record<string, { architect?: { build?: { options?: { outputPath?: string } } } }> }>('angular.json');
    const [name, project] = Object.entries(angular?.projects ?? {})[0] ?? [];
    const configured = project?.architect?.build?.options?.outputPath;
    const major = Number(/(\d+)/.exec(dep('@angular/core')?.version ?? '')?.[1] ?? 0);
    // Angular 17's application builder writes the browser bundle into a browser/ folder of the output path.
    const base = configured ?? (name ? `dist/${name}` : undefined);
    if (!base) return undefined;
    return { dir: major >= 17 ? `${base}/browser` : base, why: `angular.json's ${configured ? 'outputPath' : 'project name'}${major >= 17 ? ' (Angular 17+ writes the browser bundle into browser/)' : ''}`, evidence: [ctx.rel('angular.json')] };
  }
  if (has('create-react-app')) return { dir: 'build', why: 'react-scripts build writes into build/', evidence: [] };
  if (has('vue-cli')) return { dir: 'dist', why: 'vue-cli-service build writes into dist/', evidence: [] };
  if (has('vite')) {
    const configFile = ['vite.config.ts', 'vite.config.js', 'vite.config.mjs', 'vite.config.mts', 'vite.config.cjs'].find((f) => ctx.has(f));
    const outDir = configFile ? /outDir\s*:\s*["'`]([^"'`]+)["'`]/.exec(ctx.read(configFile) ?? '')?.[1] : undefined;
    return { dir: outDir ?? 'dist', why: outDir ? `vite's build.outDir in ${configFile}` : "vite build writes into dist/ (vite's default outDir)", evidence: configFile ? [ctx.rel(configFile)] : [] };
  }
  return undefined;
}

/** A static file server for a folder, run without installing anything into the project (npx ships with Node). */
export function staticServer(pm: string, dir: string, port: number, single = true): string {
  return `${pm === 'bun' ? 'bunx' : 'npx --yes'} serve@14${single ? ' -s' : ''} ${dir} -l ${port}`;
}

/**
 * The production pair (build, start), the development server and the migration of a Node project:
 * a declared production `start` (or `start:prod`) script wins; a `start` that runs a development
 * server is the dev command instead, and production is inferred: NestJS's compiled `dist/main.js`,
 * Nuxt's `.output/server`, a static file server for a single-page build's output folder, else the
 * `main` file — when it exists, or is what the build writes — else the usual entry files that exist.
 */
export function nodeProduction(ctx: ProjectContext, f: StackFindings, pkg: NodeManifest, run: (script: string) => string, port: number | undefined): void {
  const manifest = ctx.rel('package.json');
  const scripts = pkg.scripts ?? {};
  const pm = f.packageManager?.value ?? 'npm';
  const has = (name: string) => f.frameworks.some((x) => x.name === name);
  const dep = (name: string) => f.dependencies.find((d) => d.name === name);
  const built = Boolean(scripts.build);
  if (built) setCommand(f, 'build', run('build'), 0.95, [manifest], 'the build script of package.json');

  // development server
  const devScript = ['dev', 'develop', 'serve'].find((s) => scripts[s]) ?? (isDevServer(scripts.start) ? 'start' : undefined);
  if (devScript) setCommand(f, 'dev', run(devScript), 0.9, [manifest], `the ${devScript} script of package.json`);

  // production start
  const startProd = ['start:prod', 'start:production', 'serve:prod'].find((s) => scripts[s]);
  if (startProd) return void setCommand(f, 'start', run(startProd), 0.95, [manifest], `the ${startProd} script of package.json`);
  if (scripts.start && !isDevServer(scripts.start)) return void setCommand(f, 'start', run('start'), 0.95, [manifest], 'the start script of package.json (a declared start wins over inference)');
  const devStart = scripts.start ? `; its start script (${scripts.start}) runs a development server` : '';
  if (has('nestjs') && built) {
    f.artifact = { kind: 'source', path: 'dist' };
    return void setCommand(f, 'start', 'node dist/main.js', 0.85, [manifest, ...(ctx.has('nest-cli.json') ? [ctx.rel('nest-cli.json')] : [])], `nest build compiles src/main.ts to dist/main.js${devStart}`);
  }
  if (has('nuxt') && built) return void setCommand(f, 'start', 'node .output/server/index.mjs', 0.85, [manifest], `nuxt build writes its server to .output/server${devStart}`);
  const output = staticOutput(ctx, has, dep);
  if (output && built) {
    f.artifact = { kind: 'static', path: output.dir };
    const listen = port ?? 3000;
    return void setCommand(f, 'start', staticServer(pm, output.dir, listen), 0.8, [manifest, ...output.evidence], `a static file server (serve, single-page fallback) for the build's output folder ${output.dir}/: ${output.why}${devStart}`);
  }
  if (has('sveltekit')) return void setCommand(f, 'start', null, 0.5, [manifest], 'SvelteKit with @sveltejs/adapter-auto picks the platform when it builds: use @sveltejs/adapter-node (then `node build`) or adapter-static to say how it runs in production');
  const main = pkg.main && /\.(c|m)?js$/.test(pkg.main) ? pkg.main.replace(/^\.\//, '') : undefined;
  if (main && (ctx.has(main) || built)) return void setCommand(f, 'start', `node ${main}`, ctx.has(main) ? 0.85 : 0.75, [manifest], ctx.has(main) ? 'the main file of package.json' : 'the main file of package.json, which the build writes');
  const existing = ['server.js', 'index.js', 'app.js', 'main.js', 'src/server.js', 'src/index.js', 'src/app.js', 'src/main.js', 'server.mjs', 'index.mjs'].find((x) => ctx.has(x));
  if (existing) {
    return void setCommand(f, 'start', `node ${existing}`, 0.7, [ctx.rel(existing)], main ? `package.json's main (${main}) does not exist; ${existing} does` : `${existing} is the project's entry file (no start script)`);
  }
  if (devScript || main) setCommand(f, 'start', null, 0.5, [manifest], `no production start found${main ? `: package.json's main (${main}) does not exist and nothing builds it` : devStart ? devStart.slice(2) : ''}`);
}

/** Prisma's migrations, applied before a release starts. */
export function nodeMigration(ctx: ProjectContext, f: StackFindings): void {
  const prisma = f.dependencies.some((d) => d.name === 'prisma' || d.name === '@prisma/client');
  const schema = ['prisma/schema.prisma', 'schema.prisma'].find((p) => ctx.has(p));
  if (!prisma || !schema) return;
  const pm = f.packageManager?.value ?? 'npm';
  const exec = pm === 'npm' ? 'npx' : pm === 'bun' ? 'bunx' : `${pm} exec`;
  setCommand(f, 'migrate', `${exec} prisma migrate deploy`, ctx.find(/^prisma\/migrations\//).length ? 0.9 : 0.75, [ctx.rel(schema), ctx.rel('package.json')], 'Prisma applies pending migrations with `prisma migrate deploy`');
}
