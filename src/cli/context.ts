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
  /** The database this command opened (or tried to): failures of the history are described with it. */
  storePath: string | undefined;
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
      // The wait for another process's lock is a machine setting: from the environment (no workspace file is read for it).
      const busySeconds = resolveConfig({ env: this.env }).get<number>('history.busyTimeoutSeconds');
      this.storePath = location.path;
      this.store = openHistoryStore(location.path, { busyTimeoutMs: busySeconds * 1000 });
      this.storeSource = location.source;
      if (this.store.movedAside) {
        process.stderr.write(
          `warning: the history database was damaged (not a readable SQLite database); it was moved to ${this.store.movedAside} and a new one was created at ${this.store.path}.\n`,
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
