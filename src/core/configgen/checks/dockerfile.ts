import { Arg, Copy, DockerfileParser, Env, From, JSONInstruction, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { isSecretEntry, keyLooksSecret } from '../../security/secret-values';
import type { CheckProblem } from '../types';

/** Commands that install dependencies from the manifests: the whole source must not be copied before them in a stage. */
const INSTALL = /\b(npm (ci|install)|yarn( install)?( --|$)|pnpm install|bun install|pip install|poetry (install|export)|uv sync|pipenv (install|requirements)|pdm (install|export)|bundle install|composer install|go mod download|cargo fetch|mvnw? [^&]*dependency:go-offline|gradlew? [^&]*dependencies|dotnet restore|mix deps\.get|deno install)\b/;

/**
 * The Dockerfile rules: what dockerfile-utils reports (the syntax and instruction checks of the VS
 * Code Docker extension's language server), then ours — every base image pinned to a tag or digest
 * and never `latest`; the final image runs as a user that is not root; no secret in ENV or ARG; the
 * dependency manifests copied and installed before the whole source in each stage; an exec-form CMD.
 */
export function checkDockerfile(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const add = (rule: string, message: string, line?: number) => problems.push({ file, rule: `dockerfile:${rule}`, message, ...(line !== undefined ? { line: line + 1 } : {}) });
  for (const d of validate(content)) add('syntax', typeof d.message === 'string' ? d.message : d.message.value, d.range.start.line);
  const dockerfile = DockerfileParser.parse(content);
  const stages: Instruction[][] = [];
  const stageNames = new Set<string>();
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  if (!stages.length) add('syntax', 'there is no FROM instruction');
  const pinned = (image: string, line: number, where: string) => {
    if (stageNames.has(image.toLowerCase()) || image === 'scratch') return;
    const digest = image.includes('@sha256:');
    const tag = /:([^/:@]+)$/.exec(image.split('@')[0]!)?.[1];
    if (/\$/.test(image)) add('pinned-base', `${where} ${image} is chosen by a variable: pin an exact tag`, line);
    else if (!digest && !tag) add('pinned-base', `${where} ${image} has no tag (it means latest): pin the runtime's version`, line);
    else if (tag === 'latest') add('no-latest', `${where} ${image} uses the latest tag: pin the runtime's version`, line);
  };
  for (const stage of stages) {
    const from = stage[0] as From;
    const line = from.getRange().start.line;
    pinned(from.getImage() ?? '', line, 'the base image');
    const name = from.getBuildStage();
    let wholeSource: number | undefined;
    for (const instruction of stage) {
      const at = instruction.getRange().start.line;
      if (instruction instanceof Copy) {
        const source = instruction.getFlags().find((f) => f.getName() === 'from')?.getValue();
        if (source && !stageNames.has(source.toLowerCase()) && !/^\d+$/.test(source)) pinned(source, at, 'COPY --from');
        const args = instruction.getArguments().map((a) => a.getValue());
        if (!source && args.slice(0, -1).some((a) => a === '.' || a === './')) wholeSource ??= at;
      }
      if (instruction.getKeyword() === 'RUN' && wholeSource !== undefined && INSTALL.test(instruction.getArgumentsContent() ?? '')) {
        add('manifests-first', `dependencies are installed (line ${at + 1}) after the whole source is copied (line ${wholeSource + 1}): copy the manifests and install first, so a source change does not install again`, at);
      }
      if (instruction instanceof Env) {
        for (const p of instruction.getProperties()) secretSetting(add, 'ENV', p.getName(), p.getValue() ?? '', at);
      }
      if (instruction instanceof Arg) {
        const p = instruction.getProperty();
        if (p) secretSetting(add, 'ARG', p.getName(), p.getValue() ?? '', at);
      }
    }
    if (name) stageNames.add(name.toLowerCase());
  }
  const final = stages.at(-1) ?? [];
  const users = final.filter((i) => i.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.trim().split(':')[0];
  if (!user) add('non-root', 'the final image sets no USER, so it runs as root');
  else if (user === 'root' || user === '0') add('non-root', `the final image runs as ${user}`, users.at(-1)!.getRange().start.line);
  const cmd = final.filter((i) => i.getKeyword() === 'CMD').at(-1);
  if (!cmd) add('exec-cmd', 'the final image has no CMD');
  else if (!(cmd instanceof JSONInstruction) || !cmd.getOpeningBracket() || !isJsonArray(cmd.getArgumentsContent())) add('exec-cmd', 'CMD is in shell form: the exec form ["program", "arg"] receives signals (a clean stop) and needs no shell', cmd.getRange().start.line);
  return { ran: ['dockerfile-utils', 'dockerfile:pinned-base', 'dockerfile:no-latest', 'dockerfile:non-root', 'dockerfile:no-secret-env', 'dockerfile:manifests-first', 'dockerfile:exec-cmd'], problems };
}

function secretSetting(add: (rule: string, message: string, line?: number) => void, keyword: string, name: string, value: string, line: number): void {
  // The value is never repeated in the message: only the name says what is wrong.
  if (keyLooksSecret(name)) add('no-secret-env', `${keyword} ${name} names a credential: an image keeps every ENV and ARG in its history; pass it at run time (a secret mount at build time)`, line);
  else if (value && isSecretEntry(name, value)) add('no-secret-env', `${keyword} ${name} holds what looks like a secret value: it would stay in the image's history`, line);
}

function isJsonArray(text: string | null): boolean {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}
