import { cleanVersion, findings, framework, portsFromCode, type ProjectContext, type StackFindings } from './context';

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
  if (dep('rails') || ctx.has('config/application.rb')) {
    f.frameworks.push(framework('rails', cleanVersion(dep('rails')?.version), dep('rails') ? 0.95 : 0.7, [ev, ...(ctx.has('config/application.rb') ? [ctx.rel('config/application.rb')] : [])]));
    f.commands.start = 'bin/rails server -b 0.0.0.0';
    f.commands.test = rspec ? 'bundle exec rspec' : 'bin/rails test';
    if (!f.testFramework) f.testFramework = { value: 'minitest', confidence: 0.7, evidence: [ev] };
    f.commands.build = dep('sprockets-rails') || dep('propshaft') ? 'bin/rails assets:precompile' : null;
    f.port = { value: 3000, confidence: 0.6, evidence: [ev] };
  } else if (dep('sinatra')) {
    f.frameworks.push(framework('sinatra', cleanVersion(dep('sinatra')?.version), 0.9, [ev]));
    f.commands.start = ctx.has('config.ru') ? 'bundle exec rackup --host 0.0.0.0' : `bundle exec ruby ${['app.rb', 'server.rb', 'main.rb'].find((x) => ctx.has(x)) ?? 'app.rb'}`;
    f.commands.test = rspec ? 'bundle exec rspec' : 'bundle exec rake test';
    f.port = portsFromCode(ctx, ['ruby']) ?? { value: ctx.has('config.ru') ? 9292 : 4567, confidence: 0.5, evidence: [ev] };
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
  if (dep('laravel/framework') || ctx.has('artisan')) {
    f.frameworks.push(framework('laravel', cleanVersion(dep('laravel/framework')?.version), dep('laravel/framework') ? 0.95 : 0.7, [ev, ...(ctx.has('artisan') ? [ctx.rel('artisan')] : [])]));
    f.commands.start = 'php artisan serve --host=0.0.0.0 --port=8000';
    f.commands.test = 'php artisan test';
    f.port = { value: 8000, confidence: 0.6, evidence: [ev] };
  } else if (dep('symfony/framework-bundle')) {
    f.frameworks.push(framework('symfony', cleanVersion(dep('symfony/framework-bundle')?.version), 0.95, [ev]));
    f.commands.start = 'php -S 0.0.0.0:8000 -t public';
    f.commands.test = ctx.has('bin/phpunit') ? 'php bin/phpunit' : 'vendor/bin/phpunit';
    f.port = { value: 8000, confidence: 0.6, evidence: [ev] };
  } else {
    f.commands.test = f.testFramework ? (f.testFramework.value === 'pest' ? 'vendor/bin/pest' : 'vendor/bin/phpunit') : null;
    if (ctx.has('public/index.php')) f.commands.start = 'php -S 0.0.0.0:8000 -t public';
    else if (ctx.has('index.php')) f.commands.start = 'php -S 0.0.0.0:8000';
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
  f.commands = { install: 'mix deps.get', build: 'mix compile', test: 'mix test', start: phoenix ? 'mix phx.server' : 'mix run --no-halt' };
  if (phoenix) {
    f.frameworks.push(framework('phoenix', cleanVersion(phoenix.version), 0.95, [ev]));
    f.port = { value: 4000, confidence: 0.6, evidence: [ev] };
  }
  f.commandEvidence = [ev];
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
  const main = ['main.ts', 'server.ts', 'mod.ts', 'main.js'].find((x) => ctx.has(x));
  f.commands = {
    install: 'deno install',
    build: tasks.build ? 'deno task build' : null,
    test: tasks.test ? 'deno task test' : 'deno test',
    start: tasks.start ? 'deno task start' : tasks.dev ? 'deno task dev' : main ? `deno run -A ${main}` : null,
  };
  f.commandEvidence = [ev];
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
    f.commands = { install: null, build: 'hugo --minify', test: null, start: 'hugo server' };
    f.port = { value: 1313, confidence: 0.6, evidence: f.frameworks[0]!.evidence };
    return f;
  }
  if (ctx.has('_config.yml') && !hasOtherStack) {
    const f = findings('static', ['html']);
    f.frameworks.push(framework('jekyll', null, 0.8, [ctx.rel('_config.yml')]));
    f.buildTool = { value: 'jekyll', confidence: 0.8, evidence: [ctx.rel('_config.yml')] };
    f.commands = { install: null, build: 'jekyll build', test: null, start: 'jekyll serve' };
    f.port = { value: 4000, confidence: 0.6, evidence: [ctx.rel('_config.yml')] };
    return f;
  }
  if (hasOtherStack) return undefined;
  const index = ['index.html', 'public/index.html', 'site/index.html', 'docs/index.html'].find((x) => ctx.has(x));
  if (!index) return undefined;
  const f = findings('static', ['html', 'css', 'javascript']);
  f.frameworks.push(framework('static', null, 0.8, [ctx.rel(index)]));
  const dir = index.includes('/') ? index.slice(0, index.lastIndexOf('/')) : '.';
  f.commands = { install: null, build: null, test: null, start: `python3 -m http.server 8000 --directory ${dir}` };
  f.commandEvidence = [ctx.rel(index)];
  f.port = { value: 8000, confidence: 0.4, evidence: [ctx.rel(index)] };
  return f;
}
