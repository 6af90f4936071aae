import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProjectProfile } from '../analysis/types';

const MAX_READ = 1024 * 1024;

/** The files of the project a profile describes, by project-relative path (reads are size-capped and never throw). */
export class ProjectFiles {
  readonly dir: string;

  constructor(readonly profile: ProjectProfile) {
    this.dir = profile.path === '.' ? profile.root : path.join(profile.root, profile.path);
  }

  has(rel: string): boolean {
    return existsSync(path.join(this.dir, rel));
  }

  isDir(rel: string): boolean {
    try {
      return statSync(path.join(this.dir, rel)).isDirectory();
    } catch {
      return false;
    }
  }

  read(rel: string): string | undefined {
    try {
      const file = path.join(this.dir, rel);
      if (statSync(file).size > MAX_READ) return undefined;
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  json<T>(rel: string): T | undefined {
    const text = this.read(rel);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  /** The first of these that exists. */
  first(...candidates: string[]): string | undefined {
    return candidates.find((c) => this.has(c));
  }

  /** Workspace-relative path of a project-relative one (what evidence lists). */
  rel(p: string): string {
    return this.profile.path === '.' ? p : `${this.profile.path}/${p}`;
  }
}
