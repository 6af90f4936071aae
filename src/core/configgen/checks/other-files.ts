import Ajv from 'ajv';
import ignore from 'ignore';
import { DockerfileParser, Copy } from 'dockerfile-ast';
import { releaseSettings } from '../../config/sections/release';
import { resolveTarget, type TargetConfig } from '../../release/targets';
import type { CheckProblem } from '../types';

/**
 * Jenkinsfile: no maintained Groovy or Jenkinsfile parser is published on npm (Jenkins validates
 * with its own server: `jenkins-cli declarative-linter`), so the structure is checked with a
 * scanner that knows Groovy's strings and comments: balanced braces and parentheses, closed
 * strings, a declarative `pipeline` with `agent` and `stages`, each stage with `steps`.
 */
export function checkJenkinsfile(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const add = (rule: string, message: string, line?: number) => problems.push({ file, rule, message, ...(line ? { line } : {}) });
  const stack: { char: string; line: number }[] = [];
  let line = 1;
  let code = '';
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    if (c === '\n') line++;
    if (c === '/' && content[i + 1] === '/') {
      while (i < content.length && content[i] !== '\n') i++;
      code += '\n';
      line++;
      continue;
    }
    if (c === '/' && content[i + 1] === '*') {
      const end = content.indexOf('*/', i + 2);
      if (end < 0) {
        add('jenkins:syntax', 'a comment is not closed', line);
        break;
      }
      line += (content.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = line;
      let j = i + 1;
      while (j < content.length && content[j] !== c && content[j] !== '\n') j += content[j] === '\\' ? 2 : 1;
      if (content[j] !== c) add('jenkins:syntax', 'a string is not closed on its line', start);
      code += '""';
      i = j;
      continue;
    }
    code += c;
    if (c === '{' || c === '(') stack.push({ char: c, line });
    if (c === '}' || c === ')') {
      const open = stack.pop();
      if (!open || (open.char === '{') !== (c === '}')) add('jenkins:syntax', `${c} closes nothing it matches`, line);
    }
  }
  for (const open of stack) add('jenkins:syntax', `${open.char} is never closed`, open.line);
  if (!/^\s*pipeline\s*\{/m.test(code)) add('jenkins:declarative', 'no declarative pipeline { … } block');
  if (!/\bagent\b/.test(code)) add('jenkins:declarative', 'the pipeline names no agent');
  if (!/\bstages\s*\{/.test(code)) add('jenkins:declarative', 'the pipeline has no stages { … }');
  const stages = code.match(/\bstage\s*\(/g)?.length ?? 0;
  const steps = code.match(/\bsteps\s*\{/g)?.length ?? 0;
  if (stages === 0) add('jenkins:declarative', 'the pipeline has no stage');
  // The matrix's stage wraps the others; every other stage has steps.
  if (steps < stages - (/\bmatrix\s*\{/.test(code) ? 1 : 0)) add('jenkins:declarative', 'a stage has no steps { … }');
  return { ran: ['jenkins:syntax', 'jenkins:declarative'], problems };
}

/** `.env.example`: comments, blank lines and `NAME=` with no value (a value in a committed template is what must never be there). */
export function checkEnvExample(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  content.split('\n').forEach((raw, i) => {
    const text = raw.trim();
    if (!text || text.startsWith('#')) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(text);
    if (!m) problems.push({ file, rule: 'env:syntax', message: 'not NAME= nor a comment', line: i + 1 });
    else if (m[2]!.trim()) problems.push({ file, rule: 'env:no-values', message: `${m[1]} has a value: the template lists names only`, line: i + 1 });
  });
  return { ran: ['env:syntax', 'env:no-values'], problems };
}

/** The release target: JSON, valid against the `targets` schema Deploy Agent reads, and resolvable the way a release resolves it. */
export function checkTarget(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const add = (rule: string, message: string) => problems.push({ file, rule, message });
  let value: { targets?: Record<string, TargetConfig> } | undefined;
  try {
    value = JSON.parse(content) as typeof value;
  } catch (error) {
    add('json', (error as Error).message);
  }
  const spec = releaseSettings.find((s) => s.key === 'release.targets' || s.key === 'targets');
  if (value && spec) {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(spec.schema as object);
    const valid = validate(value.targets ?? {});
    if (!valid) for (const e of validate.errors ?? []) add('target:schema', `targets${e.instancePath} ${e.message ?? ''}`.trim());
    // A target of the right shape is resolved as a release resolves it (what the schema cannot say: a way to start).
    for (const [name, config] of valid ? Object.entries(value.targets ?? {}) : []) {
      try {
        resolveTarget(name, config, null);
      } catch (error) {
        add('target:resolve', (error as Error).message);
      }
    }
  } else if (value && !spec) add('target:schema', 'the targets schema was not found in the settings');
  return { ran: ['json', 'target:schema', 'target:resolve'], problems };
}

/** Secret files the build context must leave out (an image keeps every file COPY takes). */
const MUST_IGNORE = ['.env', 'id_rsa.pem', 'server.key'];

/**
 * `.dockerignore`: the secret files stay out of the build context, and none of the files the
 * Dockerfile copies by name (the manifests of the dependency layer) is ignored. Patterns are read
 * with the `ignore` library (gitignore rules, which .dockerignore follows but for `**` nuances).
 */
export function checkDockerignore(file: string, content: string, dockerfile: string | undefined): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const rules = ignore().add(content);
  for (const secret of MUST_IGNORE) if (!rules.ignores(secret)) problems.push({ file, rule: 'dockerignore:secrets', message: `${secret} would be sent into the image: ignore it` });
  if (dockerfile) {
    for (const instruction of DockerfileParser.parse(dockerfile).getInstructions()) {
      if (!(instruction instanceof Copy) || instruction.getFlags().some((f) => f.getName() === 'from')) continue;
      const sources = instruction.getArguments().map((a) => a.getValue()).slice(0, -1).filter((a) => !a.startsWith('--') && a !== '.' && a !== './');
      for (const source of sources) if (rules.ignores(source.replace(/^\.\//, ''))) problems.push({ file, rule: 'dockerignore:copied', message: `${source} is copied by the Dockerfile but ignored here` });
    }
  }
  return { ran: ['dockerignore:secrets', ...(dockerfile ? ['dockerignore:copied'] : [])], problems };
}
