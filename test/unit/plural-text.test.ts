import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');

/** Files left as they are, with why (another piece of work owns them at the moment). */
const LEFT_ALONE: Record<string, string> = {
};

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The text of every string literal and template part in `file` that writes a count's noun as "file(s)", with its line. */
function halfPlurals(file: string, text = readFileSync(path.join(root, file), 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      if (/[a-z]\((?:s|es)\)/i.test(node.text)) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text.trim().slice(0, 80)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('user-facing text writes counts out ("1 repair round", "2 repair rounds"), never "round(s)"', () => {
  it('no string in src/ or webview-ui/ says "(s)" or "(es)" (use plural() from src/core/plural.ts)', () => {
    const files = [...sources('src'), ...sources('webview-ui')].filter((f) => !(f in LEFT_ALONE));
    assert.ok(files.length > 100, `only ${files.length} source files found`);
    assert.deepEqual(files.flatMap((file) => halfPlurals(file)), []);
  });

  it('finds them in strings and templates, not in comments', () => {
    const code = "// a comment about row(s)\nconst a = `${n} file(s), ${m} ok`;\nconst b = 'process(es) left';\nconst c = `${x} row` + 's';\n";
    assert.deepEqual(halfPlurals('example.ts', code), ['example.ts:2: file(s),', 'example.ts:3: process(es) left']);
  });
});
