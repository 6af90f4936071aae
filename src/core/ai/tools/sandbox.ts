import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** A tool failure the model is told about (its message is written for the model). */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly kind: 'escape' | 'invalid' | 'not_found' | 'no_match' | 'blocked' | 'io' = 'invalid',
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/**
 * The deployment's folder as the model sees it. Every path is workspace-relative; absolute
 * paths, `..` segments and symlinks that lead outside are refused, and so is `.git`.
 */
export class Sandbox {
  readonly root: string;

  constructor(dir: string) {
    this.root = realpathSync(dir);
  }

  /** The absolute path for a model-given relative path, or a ToolError the model sees. */
  resolve(relative: unknown, options: { allowRoot?: boolean } = {}): { absolute: string; relative: string } {
    if (typeof relative !== 'string') throw new ToolError('"path" must be a string (a path relative to the workspace).');
    const given = relative.trim();
    if (given.includes('\0')) throw new ToolError('The path contains a NUL character.', 'escape');
    // A newline or another control character in a file name breaks every tool and review that reads
    // paths line by line (git's output, the diff, the report), and is never what a task needs.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const control = /[\u0001-\u001f\u007f-\u009f]/.exec(given);
    if (control) {
      throw new ToolError(`Refused: the path ${JSON.stringify(given)} contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}). Use printable characters only.`, 'invalid');
    }
    if (given === '' || given === '.' || given === './') {
      if (options.allowRoot) return { absolute: this.root, relative: '.' };
      throw new ToolError('"path" must name a file inside the workspace.');
    }
    if (path.isAbsolute(given) || path.win32.isAbsolute(given) || given.startsWith('~')) {
      throw new ToolError(`Refused: "${given}" is an absolute path. Use a path relative to the workspace root, e.g. "src/index.ts".`, 'escape');
    }
    const segments = given.split(/[\\/]+/);
    if (segments.includes('..')) throw new ToolError(`Refused: "${given}" contains "..". Paths must stay inside the workspace.`, 'escape');
    const clean = segments.filter((s) => s !== '' && s !== '.').join('/');
    if (clean === '.git' || clean.startsWith('.git/')) throw new ToolError('Refused: the .git folder is not part of the workspace the agent may touch.', 'escape');
    const absolute = path.join(this.root, clean);
    this.assertNoSymlinkEscape(absolute, given);
    return { absolute, relative: clean };
  }

  /** Follows the deepest existing part of the path; its real location must be inside the root. */
  private assertNoSymlinkEscape(absolute: string, given: string): void {
    let current = absolute;
    for (;;) {
      let exists = true;
      try {
        lstatSync(current);
      } catch {
        exists = false;
      }
      if (exists) {
        let real: string;
        try {
          real = realpathSync(current);
        } catch {
          throw new ToolError(`Refused: "${given}" goes through a broken symbolic link.`, 'escape');
        }
        if (!this.contains(real)) throw new ToolError(`Refused: "${given}" leads outside the workspace through a symbolic link.`, 'escape');
        return;
      }
      const parent = path.dirname(current);
      if (parent === current) return;
      current = parent;
    }
  }

  contains(real: string): boolean {
    return real === this.root || real.startsWith(this.root + path.sep);
  }
}
