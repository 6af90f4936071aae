/**
 * A shell command as the words an exec-form `CMD` takes. Only what the profile's commands use:
 * words, single and double quotes, backslash escapes; anything a shell would expand (`$`, `|`,
 * `&&`, globs) makes the command unsplittable, and the caller says so instead of guessing.
 */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (/[$`|&;<>*?()[\]{}]/.test(c)) return undefined;
    else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/** Run-wrappers that only put a tool of the project on PATH: an image installs the tool on PATH itself. */
const WRAPPERS: string[][] = [['poetry', 'run'], ['uv', 'run'], ['pipenv', 'run'], ['pdm', 'run'], ['npx', '--yes'], ['npx'], ['bunx']];

export interface StartInImage {
  /** The exec-form words. */
  argv: string[];
  /** Leading `NAME=value` assignments of the command: `ENV` lines of the image. */
  env: Record<string, string>;
  /** The wrapper dropped (`poetry run`), if any. */
  unwrapped?: string;
}

/**
 * The profile's production start command as an image runs it: leading assignments become
 * environment, a run-wrapper goes (the image puts the tool on PATH), a versioned npx package
 * (`serve@14`) becomes its binary (the image installs that version). Everything else is kept
 * word for word, so the image starts exactly what the profile says.
 */
export function startInImage(start: string): StartInImage | undefined {
  const words = shellWords(start);
  if (!words?.length) return undefined;
  const env: Record<string, string> = {};
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  let unwrapped: string | undefined;
  for (const wrapper of WRAPPERS) {
    if (wrapper.every((w, i) => words[i] === w) && words.length > wrapper.length) {
      words.splice(0, wrapper.length);
      unwrapped = wrapper.join(' ');
      if (words[0]!.includes('@') && !words[0]!.startsWith('@')) words[0] = words[0]!.slice(0, words[0]!.indexOf('@'));
      break;
    }
  }
  return words.length ? { argv: words, env, ...(unwrapped ? { unwrapped } : {}) } : undefined;
}
