import type { Command } from 'commander';
import path from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../core/config/resolve';
import { openHistoryStore, type HistoryStore } from '../core/store/database';
import { resolveDbPath } from '../core/store/location';

/** Options every command accepts (defined on the program). */
export interface GlobalOptions {
  db?: string;
  config?: string;
}

/**
 * What a command needs from the outside world, opened on demand so that `--help` and
 * `--version` stay fast. Everything opened is closed by `dispose()`.
 */
export class CliContext {
  private store: HistoryStore | undefined;
  private storeSource: string | undefined;

  constructor(
    readonly program: Command,
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly cwd: string = process.cwd(),
  ) {}

  get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  openStore(): { store: HistoryStore; pathSource: string } {
    if (!this.store) {
      const location = resolveDbPath({ flag: this.globals.db, env: this.env });
      this.store = openHistoryStore(location.path);
      this.storeSource = location.source;
      if (this.store.movedAside) {
        process.stderr.write(
          `warning: the history database was corrupt or unreadable; it was moved to ${this.store.movedAside} and a new one was created at ${this.store.path}.\n`,
        );
      }
    }
    return { store: this.store, pathSource: this.storeSource! };
  }

  config(workspaceDir: string = this.cwd): ResolvedConfig {
    return resolveConfig({ workspaceDir: path.resolve(workspaceDir), configFile: this.globals.config, env: this.env });
  }

  dispose(): void {
    this.store?.close();
    this.store = undefined;
  }
}
