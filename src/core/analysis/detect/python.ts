import { cleanVersion, findings, framework, portsFromCode, setCommand, versionRange, type ProjectContext, type StackFindings } from './context';
import type { DependencyInfo } from '../types';

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function parseRequirement(line: string): { name: string; spec: string | null } | undefined {
  const clean = line.replace(/#.*/, '').trim();
  if (!clean || clean.startsWith('-') || clean.includes('://')) return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$/.exec(clean);
  if (!m) return undefined;
  const spec = m[2]!.split(';')[0]!.trim();
  return { name: normalize(m[1]!), spec: spec || null };
}

/** A file in the project or, for workspaces (uv, poetry), in a folder above it up to the workspace root. */
function findUp(ctx: ProjectContext, name: string): string | undefined {
  const depth = ctx.dir === '.' ? 0 : ctx.dir.split('/').length;
  for (let up = 0; up <= depth; up++) {
    const rel = '../'.repeat(up) + name;
    if (up === 0 ? ctx.has(name) : ctx.read(rel) !== undefined) return rel;
  }
  return undefined;
}

function lockedVersions(ctx: ProjectContext): { versions: Map<string, string>; lockfile?: string } {
  const versions = new Map<string, string>();
  for (const name of ['poetry.lock', 'uv.lock', 'pdm.lock']) {
    const lock = findUp(ctx, name);
    if (!lock) continue;
    const text = ctx.read(lock) ?? '';
    for (const m of text.matchAll(/\[\[package\]\]\s*\nname\s*=\s*"([^"]+)"\s*\nversion\s*=\s*"([^"]+)"/g)) versions.set(normalize(m[1]!), m[2]!);
    return { versions, lockfile: lock };
  }
  if (ctx.has('Pipfile.lock')) {
    const lock = ctx.json<Record<string, Record<string, { version?: string }>>>('Pipfile.lock');
    for (const section of ['default', 'develop']) for (const [name, v] of Object.entries(lock?.[section] ?? {})) if (v.version) versions.set(normalize(name), v.version.replace(/^==/, ''));
    return { versions, lockfile: 'Pipfile.lock' };
  }
  return { versions };
}

type Toml = Record<string, unknown>;
const table = (value: unknown): Toml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Toml) : {});

export function detectPython(ctx: ProjectContext): StackFindings | undefined {
  const manifests = ['pyproject.toml', 'requirements.txt', 'Pipfile', 'setup.py', 'setup.cfg', 'manage.py'].filter((m) => ctx.has(m));
  const pyFiles = ctx.files.filter((f) => f.language === 'python').length;
  if (manifests.length === 0 && pyFiles === 0) return undefined;
  const f = findings('pypi', ['python']);
  const pyproject = ctx.toml('pyproject.toml') ?? {};
  const tool = table(pyproject.tool);
  const project = table(pyproject.project);
  const declared: { name: string; spec: string | null; dev: boolean; from: string }[] = [];
  for (const req of ['requirements.txt', 'requirements/base.txt', 'requirements/prod.txt', 'requirements-dev.txt', 'requirements/dev.txt', 'dev-requirements.txt']) {
    const text = ctx.read(req);
    if (text === undefined) continue;
    for (const line of text.split('\n')) {
      const r = parseRequirement(line);
      if (r) declared.push({ ...r, dev: /dev/.test(req), from: req });
    }
  }
  for (const dep of (project.dependencies as string[] | undefined) ?? []) {
    const r = typeof dep === 'string' ? parseRequirement(dep) : undefined;
    if (r) declared.push({ ...r, dev: false, from: 'pyproject.toml' });
  }
  const groups = { ...table(project['optional-dependencies']), ...table(pyproject['dependency-groups']), ...table(table(tool.pdm)['dev-dependencies']) };
  for (const list of Object.values(groups)) {
    for (const dep of Array.isArray(list) ? list : []) {
      const r = typeof dep === 'string' ? parseRequirement(dep) : undefined;
      if (r) declared.push({ ...r, dev: true, from: 'pyproject.toml' });
    }
  }
  const poetry = table(tool.poetry);
  const poetryTables: [unknown, boolean][] = [[poetry.dependencies, false], [poetry['dev-dependencies'], true]];
  for (const group of Object.values(table(poetry.group))) poetryTables.push([table(group).dependencies, true]);
  for (const [deps, dev] of poetryTables) {
    for (const [name, spec] of Object.entries(table(deps))) {
      if (name === 'python') continue;
      const version = typeof spec === 'string' ? spec : typeof table(spec).version === 'string' ? (table(spec).version as string) : null;
      declared.push({ name: normalize(name), spec: version, dev, from: 'pyproject.toml' });
    }
  }
  const pipfile = ctx.toml('Pipfile');
  for (const [section, dev] of [['packages', false], ['dev-packages', true]] as const) {
    for (const [name, spec] of Object.entries(table(pipfile?.[section]))) declared.push({ name: normalize(name), spec: typeof spec === 'string' ? spec : null, dev, from: 'Pipfile' });
  }
  const { versions, lockfile } = lockedVersions(ctx);
  const seenDeps = new Set<string>();
  const deps: DependencyInfo[] = [];
  for (const d of declared) {
    if (seenDeps.has(d.name)) continue;
    seenDeps.add(d.name);
    const locked = versions.get(d.name);
    const pinned = d.spec && /^==\s*[\d.]+$/.test(d.spec) ? d.spec.replace(/^==\s*/, '') : null;
    deps.push({ name: d.name, version: locked ?? pinned ?? d.spec, dev: d.dev, ecosystem: 'pypi', locked: Boolean(locked) });
  }
  f.dependencies = deps;
  const dep = (name: string) => deps.find((d) => d.name === name);
  const depEvidence = (name: string) => ctx.rel(declared.find((d) => d.name === name)?.from ?? manifests[0] ?? 'requirements.txt');

  // package manager
  const pmBy: [string, string, number][] = [['poetry.lock', 'poetry', 0.95], ['uv.lock', 'uv', 0.95], ['pdm.lock', 'pdm', 0.95], ['Pipfile.lock', 'pipenv', 0.95], ['Pipfile', 'pipenv', 0.9]];
  const hit = pmBy.map(([file, pm, c]) => [findUp(ctx, file), pm, c] as const).find(([file]) => file);
  if (hit) f.packageManager = { value: hit[1], confidence: hit[2], evidence: [ctx.rel(hit[0]!)] };
  else if (Object.keys(poetry).length) f.packageManager = { value: 'poetry', confidence: 0.85, evidence: [ctx.rel('pyproject.toml')] };
  else if (tool.pdm) f.packageManager = { value: 'pdm', confidence: 0.8, evidence: [ctx.rel('pyproject.toml')] };
  else if (tool.uv) f.packageManager = { value: 'uv', confidence: 0.8, evidence: [ctx.rel('pyproject.toml')] };
  else f.packageManager = { value: 'pip', confidence: manifests.some((m) => m !== 'manage.py') ? 0.8 : 0.4, evidence: manifests.map((m) => ctx.rel(m)) };
  const pm = f.packageManager.value;
  const prefix = pm === 'pip' ? '' : `${pm} run `;

  const backend = String(table(pyproject['build-system'])['build-backend'] ?? '');
  const backends: [RegExp, string][] = [[/poetry/, 'poetry'], [/hatch/, 'hatch'], [/pdm/, 'pdm'], [/setuptools/, 'setuptools'], [/flit/, 'flit'], [/maturin/, 'maturin'], [/uv_build/, 'uv']];
  const b = backends.find(([re]) => re.test(backend));
  if (b) f.buildTool = { value: b[1], confidence: 0.9, evidence: [ctx.rel('pyproject.toml')] };
  else if (ctx.has('setup.py')) f.buildTool = { value: 'setuptools', confidence: 0.8, evidence: [ctx.rel('setup.py')] };

  // runtime
  const pyVersion = ctx.read('.python-version')?.trim();
  const runtimeTxt = /python-([\d.]+)/.exec(ctx.read('runtime.txt') ?? '')?.[1];
  const requires = (project['requires-python'] as string | undefined) ?? (typeof table(poetry.dependencies).python === 'string' ? (table(poetry.dependencies).python as string) : undefined);
  if (pyVersion) f.runtime = { value: { name: 'python', version: cleanVersion(pyVersion) }, confidence: 0.95, evidence: [ctx.rel('.python-version')] };
  else if (runtimeTxt) f.runtime = { value: { name: 'python', version: runtimeTxt }, confidence: 0.9, evidence: [ctx.rel('runtime.txt')] };
  else if (typeof table(pipfile?.requires).python_version === 'string') f.runtime = { value: { name: 'python', version: cleanVersion(table(pipfile?.requires).python_version as string) }, confidence: 0.85, evidence: [ctx.rel('Pipfile')] };
  else if (requires) f.runtime = { value: { name: 'python', version: cleanVersion(requires), range: versionRange(requires) }, confidence: 0.8, evidence: [ctx.rel('pyproject.toml')] };
  else f.runtime = { value: { name: 'python', version: null }, confidence: 0.7, evidence: manifests.map((m) => ctx.rel(m)) };

  // frameworks and the production pair
  const sourceWith = (re: RegExp) => ctx.files.find((x) => x.language === 'python' && x.kind === 'source' && (x.facts?.imports ?? []).some((i) => re.test(i)));
  const server = (name: string) => (dep(name) ? { ok: true, evidence: [depEvidence(name)] } : { ok: false, evidence: [] as string[] });
  let defaultPort: number | undefined;
  const missing = (name: string) => `; ${name} is not a dependency of the project yet: add it`;
  if (dep('django') || ctx.has('manage.py')) {
    f.frameworks.push(framework('django', cleanVersion(dep('django')?.version), dep('django') && ctx.has('manage.py') ? 0.95 : 0.75, [...(dep('django') ? [depEvidence('django')] : []), ...(ctx.has('manage.py') ? [ctx.rel('manage.py')] : [])]));
    defaultPort = 8000;
    setCommand(f, 'dev', `${prefix}python manage.py runserver 0.0.0.0:8000`, 0.9, [ctx.rel('manage.py')], "Django's development server");
    setCommand(f, 'migrate', `${prefix}python manage.py migrate`, 0.9, [ctx.rel('manage.py')], "Django's migrations (manage.py migrate)");
    const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)\.settings(?:\.\w+)?["']/.exec(ctx.read('manage.py') ?? '')?.[1];
    const wsgi = settings ? `${settings.replace(/\./g, '/')}/wsgi.py` : ctx.find(/^[^/]+\/wsgi\.py$/)[0] && ctx.local(ctx.find(/^[^/]+\/wsgi\.py$/)[0]!.path);
    if (wsgi) {
      const module = wsgi.replace(/\.py$/, '').replace(/\//g, '.');
      const g = server('gunicorn');
      const there = ctx.has(wsgi);
      setCommand(f, 'start', `${prefix}gunicorn ${module} --bind 0.0.0.0:8000`, g.ok && there ? 0.9 : 0.7, [ctx.rel(there ? wsgi : 'manage.py'), ...g.evidence], `gunicorn serves Django's WSGI application ${module}${there ? '' : ` (named by DJANGO_SETTINGS_MODULE in manage.py; ${wsgi} does not exist yet: django-admin startproject writes it)`}${g.ok ? '' : missing('gunicorn')}`);
    } else setCommand(f, 'start', null, 0.4, [ctx.rel('manage.py')], "the Django project's settings module could not be found (DJANGO_SETTINGS_MODULE in manage.py), so neither could its WSGI application");
  }
  if (dep('fastapi')) {
    const app = ctx.files.find((x) => x.language === 'python' && x.kind === 'source' && (x.facts?.imports ?? []).includes('fastapi') && (x.facts?.exports ?? []).includes('app'));
    f.frameworks.push(framework('fastapi', cleanVersion(dep('fastapi')?.version), app ? 0.95 : 0.85, [depEvidence('fastapi'), ...(app ? [app.path] : [])]));
    const mod = app ? ctx.local(app.path).replace(/\.py$/, '').replace(/^src\//, '').replace(/\//g, '.') : 'main';
    if (!f.commands.start) {
      const u = server('uvicorn');
      setCommand(f, 'start', `${prefix}uvicorn ${mod}:app --host 0.0.0.0 --port 8000`, app ? (u.ok ? 0.9 : 0.75) : 0.6, [...(app ? [app.path] : [depEvidence('fastapi')]), ...u.evidence], `uvicorn serves the ASGI application ${mod}:app${app ? '' : ' (no module defining app was found: main is assumed)'}${u.ok ? '' : missing('uvicorn')}`);
      setCommand(f, 'dev', `${prefix}uvicorn ${mod}:app --reload --host 0.0.0.0 --port 8000`, app ? 0.9 : 0.6, app ? [app.path] : [depEvidence('fastapi')], 'uvicorn with --reload');
    }
    defaultPort ??= 8000;
  }
  if (dep('flask')) {
    const app = sourceWith(/^flask$/);
    f.frameworks.push(framework('flask', cleanVersion(dep('flask')?.version), app ? 0.95 : 0.85, [depEvidence('flask'), ...(app ? [app.path] : [])]));
    // FLASK_APP in .flaskenv / .env names the app; else the module that creates it.
    const flaskApp = /^\s*FLASK_APP\s*=\s*["']?([\w./:-]+)/m.exec(`${ctx.read('.flaskenv') ?? ''}\n${ctx.read('.env') ?? ''}`)?.[1];
    const mod = flaskApp ? flaskApp.replace(/\.py$/, '').replace(/:.*$/, '') : app ? ctx.local(app.path).replace(/\.py$/, '').replace(/\/__init__$/, '').replace(/\//g, '.') : 'app';
    const exports = app?.facts?.exports ?? [];
    const callable = flaskApp?.includes(':') ? flaskApp.split(':')[1]! : exports.includes('app') || !exports.includes('create_app') ? 'app' : 'create_app()';
    if (!f.commands.start) {
      const g = server('gunicorn');
      const target = /\(/.test(callable) ? `'${mod}:${callable}'` : `${mod}:${callable}`;
      setCommand(f, 'start', `${prefix}gunicorn ${target} --bind 0.0.0.0:5000`, app || flaskApp ? (g.ok ? 0.9 : 0.75) : 0.55, [...(app ? [app.path] : [depEvidence('flask')]), ...g.evidence], `gunicorn serves the Flask application ${mod}:${callable}${flaskApp ? ' (FLASK_APP)' : app ? '' : ' (no module creating it was found: app is assumed)'}${g.ok ? '' : missing('gunicorn')}`);
      setCommand(f, 'dev', `${prefix}flask --app ${mod} run --host 0.0.0.0 --port 5000`, app || flaskApp ? 0.9 : 0.6, app ? [app.path] : [depEvidence('flask')], "Flask's development server");
    }
    defaultPort ??= 5000;
  }
  if (!f.commands.start) {
    const main = ['main.py', 'app.py', 'src/main.py', '__main__.py'].find((m) => ctx.has(m));
    if (main) setCommand(f, 'start', `${prefix}python ${main}`, 0.6, [ctx.rel(main)], `${main} is the project's entry file (no web framework found)`);
  }
  if (ctx.has('alembic.ini') && !f.commands.migrate) setCommand(f, 'migrate', `${prefix}alembic upgrade head`, 0.9, [ctx.rel('alembic.ini')], 'Alembic migrations (alembic.ini)');

  // tests
  const hasPytestConfig = ctx.has('pytest.ini') || ctx.has('conftest.py') || Boolean(table(tool.pytest)['ini_options']) || ctx.find(/(^|\/)conftest\.py$/).length > 0;
  if (dep('pytest') || hasPytestConfig) {
    f.testFramework = { value: 'pytest', confidence: dep('pytest') && hasPytestConfig ? 0.95 : 0.85, evidence: [dep('pytest') ? depEvidence('pytest') : ctx.rel('pytest.ini')] };
    // `python -m pytest` runs the interpreter of the environment and puts the project on sys.path (a bare `pytest` may be another Python's).
    f.commands.test = pm === 'pip' ? 'python -m pytest' : `${prefix}pytest`;
  } else if (f.frameworks.some((x) => x.name === 'django')) {
    f.testFramework = { value: 'django-test', confidence: 0.8, evidence: [ctx.rel('manage.py')] };
    f.commands.test = `${prefix}python manage.py test`;
  } else if (ctx.files.some((x) => x.kind === 'test' && x.language === 'python')) {
    f.testFramework = { value: 'unittest', confidence: 0.6, evidence: ctx.files.filter((x) => x.kind === 'test' && x.language === 'python').slice(0, 2).map((x) => x.path) };
    f.commands.test = `${prefix}python -m unittest discover`;
  }

  // install
  f.commands.install =
    pm === 'poetry' ? 'poetry install' : pm === 'uv' ? 'uv sync' : pm === 'pdm' ? 'pdm install' : pm === 'pipenv' ? 'pipenv install --dev' : ctx.has('requirements.txt') ? 'pip install -r requirements.txt' : ctx.has('pyproject.toml') || ctx.has('setup.py') ? 'pip install -e .' : null;
  // A library builds its wheel; a web application runs from its source and builds nothing.
  if (pm === 'poetry' && b?.[1] === 'poetry' && !f.frameworks.length) setCommand(f, 'build', 'poetry build', 0.8, [ctx.rel('pyproject.toml')], 'a Poetry package builds its wheel with poetry build');
  f.commandEvidence = manifests.map((m) => ctx.rel(m));
  if (lockfile) f.commandEvidence.push(ctx.rel(lockfile));

  const codePort = portsFromCode(ctx, ['python']);
  if (codePort) f.port = codePort;
  else if (defaultPort) f.port = { value: defaultPort, confidence: 0.6, evidence: f.frameworks.map((x) => x.evidence[0]!).slice(0, 1) };
  return f;
}
