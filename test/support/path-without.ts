import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * A PATH for a machine without some programs: a folder (made in `root`) with links to every
 * program of /usr/local/bin, /usr/bin and /bin except `missing`, after the folder of the Node
 * running the tests. Used to show what happens where bubblewrap is not installed.
 */
export function pathWithout(root: string, missing: string[]): string {
  const bin = path.join(root, `bin-without-${missing.join('-')}`);
  mkdirSync(bin, { recursive: true });
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (missing.includes(name) || existsSync(path.join(bin, name))) continue;
      symlinkSync(path.join(dir, name), path.join(bin, name));
    }
  }
  return [path.dirname(process.execPath), bin].join(path.delimiter);
}
