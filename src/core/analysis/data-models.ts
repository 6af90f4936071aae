import type { DataColumn, DataModel } from './types';

export type ModelFact = Omit<DataModel, 'path'>;

/** The text between the bracket at `open` and its partner (exclusive), or to the end. */
function balanced(text: string, open: number, openCh = '(', closeCh = ')'): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === openCh) depth++;
    else if (c === closeCh && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const SQL_CONSTRAINT = /^(primary|foreign|unique|constraint|check|key|index|exclude|fulltext|spatial)\b/i;

function sqlModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  const clean = text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\bcreate\s+(?:temporary\s+|temp\s+)?table\s+(?:if\s+not\s+exists\s+)?((?:[`"[]?\w+[`"\]]?\.)?[`"[]?(\w+)[`"\]]?)\s*\(/gi;
  for (let m = re.exec(clean); m; m = re.exec(clean)) {
    const body = balanced(clean, m.index + m[0].length - 1);
    const columns: DataColumn[] = [];
    for (const part of splitTopLevel(body)) {
      if (SQL_CONSTRAINT.test(part)) continue;
      const c = /^[`"[]?(\w+)[`"\]]?\s+([\w]+(?:\s*\([^)]*\))?)/.exec(part);
      if (c) columns.push({ name: c[1]!, type: c[2]!.toLowerCase() });
    }
    out.push({ name: m[2]!, kind: 'table', source: 'sql', columns });
  }
  return out;
}

function prismaModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  for (const m of text.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)) {
    const columns: DataColumn[] = [];
    for (const line of m[2]!.split('\n')) {
      const c = /^\s*(\w+)\s+([\w[\]?]+)/.exec(line);
      if (c && !line.trim().startsWith('//')) columns.push({ name: c[1]!, type: c[2]! });
    }
    out.push({ name: m[1]!, kind: 'model', source: 'prisma', columns });
  }
  return out;
}

function objectKeys(body: string): DataColumn[] {
  return splitTopLevel(body)
    .map((part) => /^['"]?(\w+)['"]?\s*:\s*(?:\{[^]*?type\s*:\s*(?:DataTypes|Sequelize|Schema\.Types)?\.?(\w+)|(?:DataTypes|Sequelize|Schema\.Types)?\.?(\w+))?/.exec(part))
    .filter((c): c is RegExpExecArray => Boolean(c))
    .map((c) => ({ name: c[1]!, ...(c[2] ?? c[3] ? { type: (c[2] ?? c[3])!.toLowerCase() } : {}) }));
}

function jsModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  if (/@Entity\s*\(/.test(text)) {
    for (const m of text.matchAll(/@Entity\s*\(\s*(?:["'](\w+)["']|\{[^}]*name\s*:\s*["'](\w+)["'][^}]*\})?[^)]*\)\s*(?:export\s+)?(?:default\s+)?class\s+(\w+)[^{]*\{/g)) {
      const body = balanced(text, m.index! + m[0].length - 1, '{', '}');
      const columns: DataColumn[] = [];
      for (const c of body.matchAll(/@(?:\w*Column|ManyToOne|OneToOne|JoinColumn)\s*\([^)]*\)\s*(?:@\w+\([^)]*\)\s*)*(\w+)[!?]?\s*:\s*([\w<>[\]]+)/g)) columns.push({ name: c[1]!, type: c[2]! });
      out.push({ name: m[1] ?? m[2] ?? m[3]!, kind: 'table', source: 'typeorm', columns });
    }
  }
  for (const m of text.matchAll(/\.define\s*\(\s*["'](\w+)["']\s*,\s*\{/g)) {
    out.push({ name: m[1]!, kind: 'model', source: 'sequelize', columns: objectKeys(balanced(text, m.index! + m[0].length - 1, '{', '}')) });
  }
  for (const m of text.matchAll(/\b(\w+)\.init\s*\(\s*\{/g)) {
    if (!new RegExp(`class\\s+${m[1]}\\s+extends\\s+Model\\b`).test(text)) continue;
    const body = balanced(text, m.index! + m[0].length - 1, '{', '}');
    const tableName = /tableName\s*:\s*["'](\w+)["']/.exec(text.slice(m.index! + m[0].length + body.length))?.[1];
    out.push({ name: tableName ?? m[1]!, kind: 'model', source: 'sequelize', columns: objectKeys(body) });
  }
  if (/\bSchema\s*\(/.test(text) && /mongoose/.test(text)) {
    const schemas = new Map<string, DataColumn[]>();
    for (const m of text.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*new\s+(?:mongoose\.)?Schema\s*(?:<[^>]*>)?\(\s*\{/g)) schemas.set(m[1]!, objectKeys(balanced(text, m.index! + m[0].length - 1, '{', '}')));
    for (const m of text.matchAll(/\bmodel\s*(?:<[^>]*>)?\(\s*["'](\w+)["']\s*,\s*(\w+)/g)) out.push({ name: m[1]!, kind: 'collection', source: 'mongoose', columns: schemas.get(m[2]!) ?? [] });
  }
  return out;
}

function pythonModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  for (const m of text.matchAll(/^class\s+(\w+)\s*\(([^)]*)\)\s*:\s*\n((?:[ \t]+[^\n]*\n|[ \t]*\n)*)/gm)) {
    const [, name, bases, body] = m as unknown as [string, string, string, string];
    const tableName = /__tablename__\s*=\s*["'](\w+)["']/.exec(body)?.[1];
    if (tableName || /\b(Base|db\.Model|DeclarativeBase|SQLModel)\b/.test(bases) && /Column|mapped_column/.test(body)) {
      const columns: DataColumn[] = [];
      for (const c of body.matchAll(/^[ \t]+(\w+)\s*(?::\s*Mapped\[([^\]]+)\])?\s*=\s*(?:db\.)?(?:Column|mapped_column)\(\s*(?:db\.)?(\w+)?/gm)) columns.push({ name: c[1]!, ...(c[3] ?? c[2] ? { type: (c[3] ?? c[2])! } : {}) });
      out.push({ name: tableName ?? name, kind: tableName ? 'table' : 'model', source: 'sqlalchemy', columns });
    } else if (/\bmodels\.Model\b/.test(bases) || (/Model\b/.test(bases) && /models\.\w+Field\(/.test(body))) {
      if (/^\s+class\s+Meta\s*:[\s\S]*abstract\s*=\s*True/m.test(body)) continue;
      const columns = [...body.matchAll(/^[ \t]+(\w+)\s*=\s*models\.(\w+)\(/gm)].map((c) => ({ name: c[1]!, type: c[2]! }));
      out.push({ name, kind: 'model', source: 'django', columns });
    }
  }
  for (const m of text.matchAll(/\bTable\(\s*["'](\w+)["']\s*,\s*\w+([\s\S]*?)\n\)/g)) {
    out.push({ name: m[1]!, kind: 'table', source: 'sqlalchemy', columns: [...m[2]!.matchAll(/Column\(\s*["'](\w+)["']\s*,\s*(\w+)/g)].map((c) => ({ name: c[1]!, type: c[2]! })) });
  }
  return out;
}

function rubyModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  for (const m of text.matchAll(/create_table\s*\(?\s*[:"'](\w+)["']?[^\n]*\bdo\s*\|(\w+)\|([\s\S]*?)^\s*end\b/gm)) {
    const columns = [...m[3]!.matchAll(new RegExp(`^\\s*${m[2]}\\.(\\w+)\\s+[:"'](\\w+)`, 'gm'))].map((c) => ({ name: c[2]!, type: c[1]! }));
    out.push({ name: m[1]!, kind: 'table', source: 'activerecord', columns });
  }
  return out;
}

function phpModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  for (const m of text.matchAll(/Schema::create\(\s*["'](\w+)["']\s*,\s*function\s*\([^)]*\)\s*\{([\s\S]*?)\}\s*\)/g)) {
    const columns = [...m[2]!.matchAll(/->(\w+)\(\s*["'](\w+)["']/g)].map((c) => ({ name: c[2]!, type: c[1]! }));
    out.push({ name: m[1]!, kind: 'table', source: 'eloquent', columns });
  }
  return out;
}

function elixirModels(text: string): ModelFact[] {
  const out: ModelFact[] = [];
  for (const m of text.matchAll(/^\s*schema\s+"(\w+)"\s+do([\s\S]*?)^\s*end\b/gm)) {
    out.push({ name: m[1]!, kind: 'table', source: 'ecto', columns: [...m[2]!.matchAll(/field\s+:(\w+)(?:,\s*:(\w+))?/g)].map((c) => ({ name: c[1]!, ...(c[2] ? { type: c[2] } : {}) })) });
  }
  return out;
}

/** Tables and models a file declares, by its language (cheap pre-checks before any parsing). */
export function extractModels(language: string | undefined, text: string): ModelFact[] {
  switch (language) {
    case 'sql':
      return /create\s+(?:temp\w*\s+)?table/i.test(text) ? sqlModels(text) : [];
    case 'prisma':
      return prismaModels(text);
    case 'typescript':
    case 'javascript':
      return /@Entity|\.define\s*\(|\.init\s*\(|Schema\s*\(/.test(text) ? jsModels(text) : [];
    case 'python':
      return /models\.Model|__tablename__|Column\(|mapped_column|Table\(/.test(text) ? pythonModels(text) : [];
    case 'ruby':
      return /create_table/.test(text) ? rubyModels(text) : [];
    case 'php':
      return /Schema::create/.test(text) ? phpModels(text) : [];
    case 'elixir':
      return /^\s*schema\s+"/m.test(text) ? elixirModels(text) : [];
    default:
      return [];
  }
}
