import { cleanVersion, findings, framework, portsFromCode, setCommand, type ProjectContext, type StackFindings } from './context';
import { staticServer } from './node-production';

/** Ruby: Gemfile (+ Gemfile.lock), Rails / Sinatra, bundler. */
export function detectRuby(ctx: ProjectContext): StackFindings | undefined {
  const gemfile = ctx.read('Gemfile');
  if (gemfile === undefined) return undefined;
  const f = findings('rubygems', ['ruby']);
  const ev = ctx.rel('Gemfile');
  const locked = new Map<string, string>();
  for (const m of (ctx.read('Gemfile.lock') ?? '').matchAll(/^ {4}([\w.-]+) \(([^)]+)\)$/gm)) locked.set(m[1]!, m[2]!);
  let group = false;
  for (const line of gemfile.split('\n')) {
    if (/^\s*group\b.*:(development|test)/.test(line)) group = true;
    else if (/^\s*end\b/.test(line)) group = false;
    const m = /^\s*gem\s+["']([\w.-]+)["'](?:\s*,\s*["']([^"']+)["'])?/.exec(line);
    if (m) f.dependencies.push({ name: m[1]!, version: locked.get(m[1]!) ?? m[2] ?? null, dev: group, ecosystem: 'rubygems', locked: locked.has(m[1]!) });
  }
  const dep = (n: string) => f.dependencies.find((d) => d.name === n);
  f.packageManager = { value: 'bundler', confidence: 0.95, evidence: [ctx.rel(ctx.has('Gemfile.lock') ? 'Gemfile.lock' : 'Gemfile')] };
  f.buildTool = { value: 'bundler', confidence: 0.8, evidence: [ev] };
  const rubyVersion = ctx.read('.ruby-version')?.trim() ?? /^\s*ruby\s+["']([^"']+)["']/m.exec(gemfile)?.[1];
  f.runtime = { value: { name: 'ruby', version: cleanVersion(rubyVersion) }, confidence: rubyVersion ? 0.95 : 0.75, evidence: [ctx.rel(ctx.has('.ruby-version') ? '.ruby-version' : 'Gemfile')] };
  f.commands.install = 'bundle install';
  const rspec = Boolean(dep('rspec') || dep('rspec-rails') || ctx.has('.rspec'));
  if (rspec) f.testFramework = { value: 'rspec', confidence: 0.95, evidence: [ev] };
  else if (dep('minitest') || ctx.find(/^test\/.*_test\.rb$/).length) f.testFramework = { value: 'minitest', confidence: 0.8, evidence: [ev] };
  const puma = dep('puma');
  if (dep('rails') || ctx.has('config/application.rb')) {
    f.frameworks.push(framework('rails', cleanVersion(dep('rails')?.version), dep('rails') ? 0.95 : 0.7, [ev, ...(ctx.has('config/application.rb') ? [ctx.rel('config/application.rb')] : [])]));
    f.commands.test = rspec ? 'bundle exec rspec' : 'bundle exec rails test';
    if (!f.testFramework) f.testFramework = { value: 'minitest', confidence: 0.7, evidence: [ev] };
    f.port = { value: 3000, confidence: 0.6, evidence: [ev] };
    const rails = ctx.has('bin/rails') ? 'bin/rails' : 'bundle exec rails';
    setCommand(f, 'dev', `${rails} server -b 0.0.0.0`, 0.9, [ev], "Rails's development server");
    if (dep('sprockets-rails') || dep('propshaft')) setCommand(f, 'build', 'bundle exec rails assets:precompile', 0.85, [ev], `${dep('propshaft') ? 'propshaft' : 'sprockets-rails'} precompiles the assets`);
    if (puma) setCommand(f, 'start', ctx.has('config/puma.rb') ? 'bundle exec puma -C config/puma.rb' : 'bundle exec puma -b tcp://0.0.0.0:3000', 0.9, [ev, ...(ctx.has('config/puma.rb') ? [ctx.rel('config/puma.rb')] : [])], `bundle exec with the app server in the Gemfile (puma)${ctx.has('config/puma.rb') ? ' and its config/puma.rb' : ''}; RAILS_ENV=production chooses the environment`);
    else setCommand(f, 'start', 'bundle exec rails server -b 0.0.0.0 -p 3000', 0.75, [ev], 'no app server in the Gemfile: rails server (RAILS_ENV=production chooses the environment)');
    if (dep('activerecord') || dep('rails') || ctx.find(/^db\/migrate\//).length) setCommand(f, 'migrate', 'bundle exec rails db:migrate', ctx.find(/^db\/migrate\//).length ? 0.9 : 0.7, [ev, ...ctx.find(/^db\/migrate\//).slice(0, 1).map((x) => x.path)], "Active Record's migrations");
  } else if (dep('sinatra')) {
    f.frameworks.push(framework('sinatra', cleanVersion(dep('sinatra')?.version), 0.9, [ev]));
    f.commands.test = rspec ? 'bundle exec rspec' : 'bundle exec rake test';
    f.port = portsFromCode(ctx, ['ruby']) ?? { value: ctx.has('config.ru') ? 9292 : 4567, confidence: 0.5, evidence: [ev] };
    const port = f.port.value;
    const script = ['app.rb', 'server.rb', 'main.rb'].find((x) => ctx.has(x));
    if (ctx.has('config.ru')) {
      setCommand(f, 'start', puma ? `bundle exec puma config.ru -b tcp://0.0.0.0:${port}` : `bundle exec rackup config.ru --host 0.0.0.0 --port ${port}`, 0.9, [ev, ctx.rel('config.ru')], `bundle exec with ${puma ? 'the app server in the Gemfile (puma)' : 'rackup'} on config.ru`);
      setCommand(f, 'dev', `bundle exec rackup --host 0.0.0.0 --port ${port}`, 0.85, [ctx.rel('config.ru')], 'rackup on config.ru');
    } else if (script) {
      setCommand(f, 'start', `bundle exec ruby ${script} -o 0.0.0.0 -e production`, 0.8, [ev, ctx.rel(script)], `the classic Sinatra application ${script} in the production environment, bound to every interface (no config.ru for an app server)`);
      setCommand(f, 'dev', `bundle exec ruby ${script}`, 0.85, [ctx.rel(script)], `the Sinatra application ${script}`);
    } else setCommand(f, 'start', null, 0.5, [ev], 'neither a config.ru nor an app.rb, server.rb or main.rb says what to run');
  } else f.commands.test = rspec ? 'bundle exec rspec' : f.testFramework ? 'bundle exec rake test' : null;
  f.commandEvidence = [ev];
  return f;
}

/** PHP: composer.json (+ composer.lock), Laravel / Symfony. */
export function detectPhp(ctx: ProjectContext): StackFindings | undefined {
  const composer = ctx.json<{ require?: Record<string, string>; 'require-dev'?: Record<string, string> }>('composer.json');
  if (!composer) return undefined;
  const f = findings('packagist', ['php']);
  const ev = ctx.rel('composer.json');
  const lock = ctx.json<{ packages?: { name: string; version: string }[]; 'packages-dev'?: { name: string; version: string }[] }>('composer.lock');
  const locked = new Map<string, string>();
  for (const p of [...(lock?.packages ?? []), ...(lock?.['packages-dev'] ?? [])]) locked.set(p.name, p.version.replace(/^v/, ''));
  for (const [table, dev] of [[composer.require, false], [composer['require-dev'], true]] as const) {
    for (const [name, spec] of Object.entries(table ?? {})) {
      if (name === 'php' || name.startsWith('ext-')) continue;
      f.dependencies.push({ name, version: locked.get(name) ?? spec, dev, ecosystem: 'packagist', locked: locked.has(name) });
    }
  }
  const dep = (n: string) => f.dependencies.find((d) => d.name === n);
  f.packageManager = { value: 'composer', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'composer', confidence: 0.8, evidence: [ev] };
  const php = composer.require?.php;
  f.runtime = { value: { name: 'php', version: cleanVersion(php) }, confidence: php ? 0.85 : 0.7, evidence: [ev] };
  f.commands.install = 'composer install';
  if (dep('phpunit/phpunit')) f.testFramework = { value: 'phpunit', confidence: 0.95, evidence: [ev] };
  if (dep('pestphp/pest')) f.testFramework = { value: 'pest', confidence: 0.95, evidence: [ev] };
  // Production: PHP-FPM behind a web server (left to the user), or the framework's own production server.
  const fpm = (why: string) => {
    setCommand(f, 'start', 'php-fpm', 0.75, [ev], `PHP-FPM serves ${why} over FastCGI on port 9000; a web server in front of it (nginx, Caddy) that serves public/ is left to you`);
    f.port = { value: 9000, confidence: 0.75, evidence: [ev] };
  };
  if (dep('laravel/framework') || ctx.has('artisan')) {
    f.frameworks.push(framework('laravel', cleanVersion(dep('laravel/framework')?.version), dep('laravel/framework') ? 0.95 : 0.7, [ev, ...(ctx.has('artisan') ? [ctx.rel('artisan')] : [])]));
    f.commands.test = 'php artisan test';
    setCommand(f, 'dev', 'php artisan serve --host=0.0.0.0 --port=8000', 0.9, [ev], "Laravel's development server");
    setCommand(f, 'migrate', 'php artisan migrate --force', 0.85, [ev, ...ctx.find(/^database\/migrations\//).slice(0, 1).map((x) => x.path)], "Laravel's migrations (--force: production asks for confirmation otherwise)");
    if (dep('laravel/octane')) {
      setCommand(f, 'start', 'php artisan octane:start --host=0.0.0.0 --port=8000', 0.9, [ev], "Laravel Octane, the framework's production server");
      f.port = { value: 8000, confidence: 0.85, evidence: [ev] };
    } else fpm('the Laravel application (public/index.php)');
  } else if (dep('symfony/framework-bundle')) {
    f.frameworks.push(framework('symfony', cleanVersion(dep('symfony/framework-bundle')?.version), 0.95, [ev]));
    f.commands.test = ctx.has('bin/phpunit') ? 'php bin/phpunit' : 'vendor/bin/phpunit';
    setCommand(f, 'dev', 'php -S 0.0.0.0:8000 -t public', 0.85, [ev], "PHP's built-in development server on public/");
    if (dep('doctrine/doctrine-migrations-bundle')) setCommand(f, 'migrate', 'php bin/console doctrine:migrations:migrate --no-interaction', 0.85, [ev], "Doctrine's migrations");
    fpm('the Symfony application (public/index.php)');
  } else {
    f.commands.test = f.testFramework ? (f.testFramework.value === 'pest' ? 'vendor/bin/pest' : 'vendor/bin/phpunit') : null;
    const docroot = ctx.has('public/index.php') ? 'public' : ctx.has('index.php') ? '.' : undefined;
    if (docroot) {
      setCommand(f, 'dev', `php -S 0.0.0.0:8000${docroot === '.' ? '' : ' -t public'}`, 0.8, [ctx.rel(docroot === '.' ? 'index.php' : 'public/index.php')], "PHP's built-in development server");
      fpm(`${docroot === '.' ? 'index.php' : 'public/index.php'}`);
    }
  }
  f.commandEvidence = [ev];
  return f;
}

/** Elixir: mix.exs (+ mix.lock), Phoenix. */
export function detectElixir(ctx: ProjectContext): StackFindings | undefined {
  const mix = ctx.read('mix.exs');
  if (mix === undefined) return undefined;
  const f = findings('hex', ['elixir', 'erlang']);
  const ev = ctx.rel('mix.exs');
  const locked = new Map<string, string>();
  for (const m of (ctx.read('mix.lock') ?? '').matchAll(/"([\w-]+)":\s*\{:hex,\s*:[\w]+,\s*"([^"]+)"/g)) locked.set(m[1]!, m[2]!);
  for (const m of mix.matchAll(/\{:(\w+),\s*"([^"]+)"([^}]*)\}/g)) {
    f.dependencies.push({ name: m[1]!, version: locked.get(m[1]!) ?? m[2]!, dev: /only:\s*(?::test|\[?:dev)/.test(m[3]!), ecosystem: 'hex', locked: locked.has(m[1]!) });
  }
  const phoenix = f.dependencies.find((d) => d.name === 'phoenix');
  const elixirVersion = /elixir:\s*"([^"]+)"/.exec(mix)?.[1];
  f.runtime = { value: { name: 'elixir', version: cleanVersion(elixirVersion) }, confidence: elixirVersion ? 0.85 : 0.7, evidence: [ev] };
  f.packageManager = { value: 'mix', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'mix', confidence: 0.95, evidence: [ev] };
  f.testFramework = { value: 'exunit', confidence: 0.9, evidence: [ev] };
  f.commands = { install: 'mix deps.get', test: 'mix test' };
  if (phoenix) {
    f.frameworks.push(framework('phoenix', cleanVersion(phoenix.version), 0.95, [ev]));
    f.port = { value: 4000, confidence: 0.6, evidence: [ev] };
  }
  f.commandEvidence = [ev];
  const app = /\bapp:\s*:(\w+)/.exec(mix)?.[1];
  setCommand(f, 'dev', phoenix ? 'mix phx.server' : 'mix run --no-halt', 0.9, [ev], phoenix ? "Phoenix's server in the dev environment" : 'mix run, kept running');
  if (app) {
    const rel = `_build/prod/rel/${app}`;
    f.artifact = { kind: 'release', path: rel };
    setCommand(f, 'build', 'MIX_ENV=prod mix release', 0.85, [ev], `a self-contained OTP release of :${app} in ${rel}`);
    setCommand(f, 'start', `${phoenix ? 'PHX_SERVER=true ' : ''}${rel}/bin/${app} start`, 0.85, [ev], `the release's start script${phoenix ? ' (PHX_SERVER=true starts the endpoint in a release)' : ''}`);
    if (f.dependencies.some((d) => d.name === 'ecto_sql')) {
      const module = /^defmodule\s+([\w.]+)\.MixProject\b/m.exec(mix)?.[1];
      const releaseModule = module && ctx.has(`lib/${app}/release.ex`);
      if (releaseModule) setCommand(f, 'migrate', `${rel}/bin/${app} eval "${module}.Release.migrate"`, 0.9, [ev, ctx.rel(`lib/${app}/release.ex`)], `Ecto's migrations through the release's ${module}.Release.migrate`);
      else setCommand(f, 'migrate', 'MIX_ENV=prod mix ecto.migrate', 0.7, [ev], `Ecto's migrations with mix (a release has no mix: \`mix phx.gen.release\` adds lib/${app}/release.ex to run them from the release)`);
    }
  } else setCommand(f, 'start', null, 0.5, [ev], 'the application name (app: in mix.exs) could not be read');
  return f;
}

/** Deno: deno.json(c) tasks and imports; Fresh / Oak / Hono. */
export function detectDeno(ctx: ProjectContext): StackFindings | undefined {
  const file = ['deno.json', 'deno.jsonc'].find((x) => ctx.has(x));
  if (!file) return undefined;
  const config = ctx.json<{ tasks?: Record<string, string>; imports?: Record<string, string> }>(file) ?? {};
  const f = findings('deno', ['typescript', 'javascript']);
  const ev = ctx.rel(file);
  for (const [name, spec] of Object.entries(config.imports ?? {})) {
    const m = /^(?:jsr:|npm:)?(@?[^@]+?)(?:@([^/]+))?\/?$/.exec(spec);
    f.dependencies.push({ name: m?.[1] ?? name, version: m?.[2] ?? null, dev: false, ecosystem: 'deno', locked: false });
  }
  const frameworks: [RegExp, string][] = [[/fresh/, 'fresh'], [/oak/, 'oak'], [/hono/, 'hono']];
  for (const [re, name] of frameworks) {
    const d = f.dependencies.find((x) => re.test(x.name));
    if (d) f.frameworks.push(framework(name, cleanVersion(d.version), 0.85, [ev]));
  }
  f.runtime = { value: { name: 'deno', version: null }, confidence: 0.95, evidence: [ev] };
  f.packageManager = { value: 'deno', confidence: 0.9, evidence: [ev] };
  f.buildTool = { value: 'deno', confidence: 0.8, evidence: [ev] };
  const tasks = config.tasks ?? {};
  const main = ['main.ts', 'server.ts', 'mod.ts', 'main.js', 'src/main.ts'].find((x) => ctx.has(x));
  f.commands = { install: 'deno install', test: tasks.test ? 'deno task test' : 'deno test' };
  f.commandEvidence = [ev];
  const watching = (task: string | undefined) => Boolean(task && /--watch\b/.test(task));
  if (tasks.build) setCommand(f, 'build', 'deno task build', 0.9, [ev], `the build task of ${file}`);
  if (tasks.dev) setCommand(f, 'dev', 'deno task dev', 0.9, [ev], `the dev task of ${file}`);
  else if (main) setCommand(f, 'dev', `deno run --watch -A ${main}`, 0.7, [ctx.rel(main)], `${main} with --watch`);
  if (tasks.start && !watching(tasks.start)) setCommand(f, 'start', 'deno task start', 0.95, [ev], `the start task of ${file} (a declared start wins over inference)`);
  else if (main) setCommand(f, 'start', `deno run --allow-net --allow-env --allow-read ${main}`, 0.7, [ctx.rel(main)], `${main} is the entry file; network, environment and file reads allowed (narrow them if the app needs less)`);
  const denoVersion = ctx.read('.dvmrc')?.trim() ?? /^deno\s+(\S+)/m.exec(ctx.read('.tool-versions') ?? '')?.[1];
  if (denoVersion) f.runtime = { value: { name: 'deno', version: cleanVersion(denoVersion) }, confidence: 0.95, evidence: [ctx.rel(ctx.has('.dvmrc') ? '.dvmrc' : '.tool-versions')] };
  f.testFramework = { value: 'deno-test', confidence: 0.85, evidence: [ev] };
  f.port = portsFromCode(ctx, ['typescript', 'javascript']) ?? { value: 8000, confidence: 0.5, evidence: [ev] };
  return f;
}

/** A static site: HTML at the top with no build manifest (or a Hugo / Jekyll site). */
export function detectStatic(ctx: ProjectContext, hasOtherStack: boolean): StackFindings | undefined {
  if (ctx.has('hugo.toml') || (ctx.has('config.toml') && ctx.find(/^(content|layouts)\//).length)) {
    const f = findings('static', ['html']);
    f.frameworks.push(framework('hugo', null, 0.85, [ctx.rel(ctx.has('hugo.toml') ? 'hugo.toml' : 'config.toml')]));
    f.buildTool = { value: 'hugo', confidence: 0.85, evidence: f.frameworks[0]!.evidence };
    f.commands = { install: null, test: null };
    f.port = { value: 1313, confidence: 0.6, evidence: f.frameworks[0]!.evidence };
    staticSite(f, 'hugo --minify', 'hugo server', 'public', 'Hugo builds the site into public/');
    return f;
  }
  if (ctx.has('_config.yml') && !hasOtherStack) {
    const f = findings('static', ['html']);
    f.frameworks.push(framework('jekyll', null, 0.8, [ctx.rel('_config.yml')]));
    f.buildTool = { value: 'jekyll', confidence: 0.8, evidence: [ctx.rel('_config.yml')] };
    f.commands = { install: null, test: null };
    f.port = { value: 4000, confidence: 0.6, evidence: [ctx.rel('_config.yml')] };
    staticSite(f, 'jekyll build', 'jekyll serve', '_site', 'Jekyll builds the site into _site/');
    return f;
  }
  if (hasOtherStack) return undefined;
  const index = ['index.html', 'public/index.html', 'site/index.html', 'docs/index.html'].find((x) => ctx.has(x));
  if (!index) return undefined;
  const f = findings('static', ['html', 'css', 'javascript']);
  f.frameworks.push(framework('static', null, 0.8, [ctx.rel(index)]));
  const dir = index.includes('/') ? index.slice(0, index.lastIndexOf('/')) : '.';
  f.commands = { install: null, build: null, test: null };
  f.commandEvidence = [ctx.rel(index)];
  f.port = { value: 8000, confidence: 0.4, evidence: [ctx.rel(index)] };
  f.artifact = { kind: 'static', path: dir };
  setCommand(f, 'dev', `python3 -m http.server 8000 --directory ${dir}`, 0.7, [ctx.rel(index)], "Python's built-in file server, for a quick look");
  setCommand(f, 'start', staticServer('npm', dir, 8000, false), 0.7, [ctx.rel(index)], `a static file server for the site's files (${dir === '.' ? 'the project folder' : `${dir}/`}: nothing is built)`);
  return f;
}

function staticSite(f: StackFindings, build: string, dev: string, out: string, why: string): void {
  const evidence = f.frameworks[0]!.evidence;
  f.artifact = { kind: 'static', path: out };
  setCommand(f, 'build', build, 0.85, evidence, why);
  setCommand(f, 'dev', dev, 0.85, evidence, 'the generator\'s development server');
  setCommand(f, 'start', staticServer('npm', out, f.port!.value, false), 0.75, evidence, `a static file server for ${out}/`);
}
