import { extractModels } from './data-models';
import type { FileFacts } from './types';

/**
 * Removes JS/TS comments, keeping string and template literals intact (so that an import in a
 * comment is not an import, and `"http://x"` is not a comment).
 */
export function stripJsComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  let start = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        out += text.slice(start, i);
        const end = text.indexOf('\n', i);
        i = end < 0 ? n : end;
        start = i;
        continue;
      }
      if (next === 42) {
        out += text.slice(start, i);
        const end = text.indexOf('*/', i + 2);
        const stop = end < 0 ? n : end + 2;
        // keep line count stable for nothing in particular; newlines help regexes anchored on lines
        out += text.slice(i, stop).replace(/[^\n]/g, '');
        i = stop;
        start = i;
        continue;
      }
      i++;
      continue;
    }
    if (c === 39 || c === 34 || c === 96) {
      // ' " ` — a string's content is kept only where it can be a module specifier or a key
      // (after from / import / require( / import( / [ / ( ), so code inside strings is not read as imports.
      const keep = c !== 96 && /(?:\bfrom|\bimport|[[(,])\s*$/.test(text.slice(Math.max(0, i - 16), i));
      const open = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          i += 2;
          continue;
        }
        if (d === c) break;
        if (c !== 96 && d === 10) break;
        i++;
      }
      if (!keep && i - open > 1) {
        out += text.slice(start, open + 1);
        start = Math.min(i, n);
      }
      i++;
      continue;
    }
    i++;
  }
  return out + text.slice(start);
}

const JS_IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"'\n]+)["']/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*["']([^"'\n]+)["']/g,
  /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  /\bimport\s+[\w$]+\s*=\s*require\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
];

const JS_EXPORT_DECL = /\bexport\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(function\*?|class|const|let|var|interface|type|enum|namespace)\s+([\w$]+)/g;
const JS_EXPORT_LIST = /\bexport\s+(?:type\s+)?\{([^}]*)\}(?!\s*from)/g;
const JS_EXPORT_DEFAULT = /\bexport\s+default\b/;
const JS_ENV = /\b(?:process\.env|import\.meta\.env)(?:\.([A-Z_][A-Z0-9_]*)|\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\])|Deno\.env\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g;
const JS_DESTRUCTURED_ENV = /\{([^}]+)\}\s*=\s*process\.env\b/g;

const PY_IMPORT = /^[ \t]*import[ \t]+([\w. \t,]+)/gm;
const PY_FROM = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[\w*, \t]+)/gm;
const PY_TOP_DEF = /^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z]\w*)/gm;
const PY_TOP_ASSIGN = /^([A-Za-z]\w*)[ \t]*(?::[^=\n]+)?=/gm;
const PY_ENV = /\bos\.(?:environ\.get|getenv|environ\.setdefault)\(\s*["']([A-Za-z_]\w*)["']|\bos\.environ\[\s*["']([A-Za-z_]\w*)["']\s*\]|\benv\(\s*["']([A-Z_][A-Z0-9_]*)["']/g;

const OTHER_ENV: Record<string, RegExp> = {
  go: /\bos\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_]\w*)"/g,
  rust: /\benv::var(?:_os)?\(\s*"([A-Za-z_]\w*)"|\benv!\(\s*"([A-Za-z_]\w*)"/g,
  java: /\bSystem\.getenv\(\s*"([A-Za-z_]\w*)"|\$\{([A-Z_][A-Z0-9_]*)(?::[^}]*)?\}/g,
  kotlin: /\bSystem\.getenv\(\s*"([A-Za-z_]\w*)"/g,
  ruby: /\bENV(?:\.fetch\(\s*|\[\s*)["']([A-Za-z_]\w*)["']/g,
  php: /\b(?:getenv|env)\(\s*["']([A-Za-z_]\w*)["']|\$_(?:ENV|SERVER)\[\s*["']([A-Z_][A-Z0-9_]*)["']\s*\]/g,
  csharp: /\bEnvironment\.GetEnvironmentVariable\(\s*"([A-Za-z_]\w*)"/g,
  elixir: /\bSystem\.(?:get_env|fetch_env!?)\(\s*"([A-Za-z_]\w*)"/g,
};

function collect(re: RegExp, text: string, into: Set<string>): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let g = 1; g < m.length; g++) if (m[g]) into.add(m[g]!);
  }
}

function firstJsDoc(text: string): string | undefined {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(text.slice(0, 4000));
  if (!m) return undefined;
  return m[1]!.replace(/^\s*\*\s?/gm, '').replace(/\s+/g, ' ').trim().slice(0, 200) || undefined;
}

function jsFacts(text: string): FileFacts {
  const code = stripJsComments(text);
  const imports = new Set<string>();
  for (const re of JS_IMPORT_PATTERNS) collect(re, code, imports);
  const exports = new Set<string>();
  JS_EXPORT_DECL.lastIndex = 0;
  for (let m = JS_EXPORT_DECL.exec(code); m; m = JS_EXPORT_DECL.exec(code)) exports.add(m[2]!);
  JS_EXPORT_LIST.lastIndex = 0;
  for (let m = JS_EXPORT_LIST.exec(code); m; m = JS_EXPORT_LIST.exec(code)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()?.trim();
      if (name && /^[\w$]+$/.test(name)) exports.add(name);
    }
  }
  if (JS_EXPORT_DEFAULT.test(code) && !/\bexport\s+default\s+(?:async\s+)?(?:function|class)\s+[\w$]/.test(code)) exports.add('default');
  for (const m of code.matchAll(/\bmodule\.exports\s*=\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.split(':')[0]!.trim();
      if (/^[\w$]+$/.test(name)) exports.add(name);
    }
  }
  for (const m of code.matchAll(/\b(?:module\.)?exports\.([\w$]+)\s*=/g)) exports.add(m[1]!);
  const envVars = new Set<string>();
  collect(JS_ENV, code, envVars);
  for (const m of code.matchAll(JS_DESTRUCTURED_ENV)) {
    for (const part of m[1]!.split(',')) {
      const name = part.split(/[:=]/)[0]!.trim();
      if (/^[A-Z_][A-Z0-9_]*$/.test(name)) envVars.add(name);
    }
  }
  return { imports: [...imports], exports: [...exports], envVars: [...envVars].sort(), doc: firstJsDoc(text) };
}

function pythonFacts(text: string): FileFacts {
  const code = text.replace(/^[ \t]*#.*$/gm, '');
  const imports = new Set<string>();
  PY_IMPORT.lastIndex = 0;
  for (let m = PY_IMPORT.exec(code); m; m = PY_IMPORT.exec(code)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+|\s+/)[0];
      if (name) imports.add(name);
    }
  }
  PY_FROM.lastIndex = 0;
  for (let m = PY_FROM.exec(code); m; m = PY_FROM.exec(code)) {
    const mod = m[1]!;
    if (/^\.+$/.test(mod)) {
      // from . import a, b → each is a module (or a name) relative to the package
      for (const part of m[2]!.replace(/[()]/g, '').split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0]?.trim();
        if (name && name !== '*') imports.add(mod + name);
      }
    } else imports.add(mod);
  }
  const exports = new Set<string>();
  for (const re of [PY_TOP_DEF, PY_TOP_ASSIGN]) {
    re.lastIndex = 0;
    for (let m = re.exec(code); m; m = re.exec(code)) if (!m[1]!.startsWith('_')) exports.add(m[1]!);
  }
  const envVars = new Set<string>();
  collect(PY_ENV, code, envVars);
  const doc = /^\s*(?:[rRuU]?)("""|''')([\s\S]*?)\1/.exec(text)?.[2]?.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { imports: [...imports], exports: [...exports], envVars: [...envVars].sort(), doc: doc || undefined };
}

const PORT_PATTERNS = [
  /\.listen\(\s*(\d{2,5})\b/g,
  /\bPORT\b[^\n]{0,40}?(?:\|\||\?\?|,|\bor\b|:-)\s*["']?(\d{2,5})\b/g,
  /\bport\s*[:=]\s*(\d{2,5})\b/gi,
  /\.(?:Run|Start|Listen|ListenAndServe)\(\s*"[\w.]*:(\d{2,5})"/g,
  /["'](?:0\.0\.0\.0|127\.0\.0\.1|localhost)[:"'],?\s*(\d{2,5})\b/g,
  /\.bind\(\s*\(\s*"[\d.]+"\s*,\s*(\d{2,5})\s*\)/g,
];

/** Port numbers a server in this file listens on (as literals). */
export function findPorts(text: string): number[] {
  const found = new Set<number>();
  for (const re of PORT_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const port = Number(m[1]);
      if (port >= 80 && port <= 65535) found.add(port);
    }
  }
  return [...found];
}

/** What the analysis remembers about a file's content. */
export function extractFacts(language: string | undefined, text: string): FileFacts {
  const lines = text.length === 0 ? 0 : text.split('\n').length;
  const shebang = /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?(?:\S*\/)?([\w.-]+)/.exec(text)?.[1]?.replace(/[\d.]+$/, '');
  let facts: FileFacts = {};
  if (language === 'typescript' || language === 'javascript' || language === 'vue' || language === 'svelte' || language === 'astro') facts = jsFacts(text);
  else if (language === 'python') facts = pythonFacts(text);
  else if (language && OTHER_ENV[language]) {
    const envVars = new Set<string>();
    collect(OTHER_ENV[language]!, text, envVars);
    facts = { envVars: [...envVars].sort() };
  }
  facts.lines = lines;
  const models = extractModels(language, text);
  if (models.length) facts.models = models;
  const ports = findPorts(text);
  if (ports.length) facts.ports = ports;
  if (shebang) facts.shebang = shebang;
  for (const key of ['imports', 'exports', 'envVars'] as const) if (facts[key]?.length === 0) delete facts[key];
  if (!facts.doc) delete facts.doc;
  return facts;
}
