// What the release commands and the Targets view do: pick a target, run the core release with a
// cancellable progress notification and the step log in the "Deploy Agent" output, shown live in
// the deployment panel (its plan, each host's part of each step, recoveries, health, Roll Back),
// offer the report; roll back and check the same way.
import * as vscode from 'vscode';
import path from 'node:path';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import type { ResolvedConfig } from '../../core/config/resolve';
import { checkTarget, targetStatus } from '../../core/release/inspect';
import { loadTargets } from '../../core/release/load-target';
import { newReleaseId, Releaser, type ReleaseOutcome } from '../../core/release/releaser';
import { releaseStepTitle } from '../../core/release/release-state';
import type { ReleaseTarget } from '../../core/release/types';
import type { HistoryStore } from '../../core/store/database';
import type { ReleaseFollower } from '../panel/release-view';
import { requireTrust } from '../trust';
import type { ReleaseCommand } from './register';
import { TargetsTree, type TargetNode } from './targets-tree';
import { plural } from '../../core/plural';

export type { TargetNode } from './targets-tree';

export interface ReleaseControllerDeps {
  output: vscode.LogOutputChannel;
  openStore(): HistoryStore;
  workspaceDir(): string | undefined;
  config(dir: string): ResolvedConfig;
  /** Told when a release or rollback ended (the sidebar redraws its history). */
  onEnded?(): void;
  /** Shows a release live in the deployment panel (its Cancel aborts `controller`). */
  follow?(release: { id: string; target: ReleaseTarget; mode: 'release' | 'rollback' }, controller: AbortController): ReleaseFollower;
}

export interface ReleaseController {
  readonly tree: TargetsTree;
  attach(changed: vscode.EventEmitter<TargetNode | undefined>): void;
  run(command: ReleaseCommand, ...args: unknown[]): Promise<unknown>;
  /** For tests and scripts: release / roll back a named target without questions. */
  release(targetName: string, options?: { mode?: 'release' | 'rollback'; confirm?: boolean }): Promise<ReleaseOutcome | undefined>;
}

export function createReleaseController(deps: ReleaseControllerDeps): ReleaseController {
  let changed: vscode.EventEmitter<TargetNode | undefined> | undefined;
  const targets = async (): Promise<ReleaseTarget[]> => {
    const dir = deps.workspaceDir();
    if (!dir) return [];
    return loadTargets({ workspaceDir: dir, config: deps.config(dir), store: deps.openStore() });
  };
  const tree = new TargetsTree({
    targets: async () => {
      if (!deps.workspaceDir()) return { targets: null };
      try {
        return { targets: await targets() };
      } catch (error) {
        return { targets: [], problem: error instanceof Error ? error.message : String(error) };
      }
    },
    status: (target) => targetStatus(deps.openStore(), target),
  });
  const refresh = () => {
    tree.forget();
    changed?.fire(undefined);
  };

  const pick = async (placeHolder: string): Promise<ReleaseTarget | undefined> => {
    let all: ReleaseTarget[];
    try {
      all = await targets();
    } catch (error) {
      void vscode.window.showErrorMessage(`Deploy Agent: ${(error as Error).message}`);
      return undefined;
    }
    if (!all.length) {
      const open = await vscode.window.showInformationMessage('Deploy Agent: no release targets yet. Add one to .deploy-agent/config.json (a "local" target needs no server).', 'Open the configuration');
      if (open) await openConfig();
      return undefined;
    }
    if (all.length === 1) return all[0];
    const chosen = await vscode.window.showQuickPick(
      all.map((t) => ({ label: t.name, description: `${t.environment} · ${t.type === 'ssh' ? t.hosts.join(', ') : 'this machine'}`, detail: t.path, target: t })),
      { placeHolder },
    );
    return chosen?.target;
  };

  const nodeTarget = async (arg: unknown, placeHolder: string): Promise<ReleaseTarget | undefined> => {
    const node = arg as TargetNode | undefined;
    if (node && node.kind === 'target') return node.target;
    if (typeof arg === 'string') return (await targets()).find((t) => t.name === arg);
    return pick(placeHolder);
  };

  const runRelease = async (target: ReleaseTarget, mode: 'release' | 'rollback', confirm = true): Promise<ReleaseOutcome | undefined> => {
    if (!requireTrust('release the application (it runs the commands of .deploy-agent/config.json on the target)')) return undefined;
    const dir = deps.workspaceDir()!;
    if (confirm && (mode === 'rollback' || target.environment === 'production')) {
      const what = mode === 'rollback' ? `Roll ${target.name} back to its previous release?` : `Release to ${target.name} (production)?`;
      const go = await vscode.window.showWarningMessage(what, { modal: true, detail: `${target.type === 'ssh' ? target.hosts.join(', ') : 'this machine'}: ${target.path}` }, mode === 'rollback' ? 'Roll Back' : 'Release');
      if (!go) return undefined;
    }
    const store = deps.openStore();
    // The id is chosen here so that the panel can show the release from its first event.
    const id = newReleaseId();
    const releaser = new Releaser({ store, successBar: deps.config(dir).get<number>('strategy.successBar'), newId: () => id });
    const output = deps.output;
    output.info(`${mode === 'rollback' ? 'Rolling back' : 'Releasing to'} ${target.name} (${target.environment})`);
    const controller = new AbortController();
    const follower = deps.follow?.({ id, target, mode }, controller);
    // Followed in the panel, its progress goes to the status bar (the panel has the steps and Cancel).
    const outcome = await vscode.window.withProgress({ location: follower ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Deploy Agent: ${mode === 'rollback' ? 'roll back' : 'release to'} ${target.name}`, cancellable: true }, async (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled in VS Code')));
      const detach = releaser.events.on((event) => {
        follower?.record(event);
        if (event.type === 'step.started') progress.report({ message: releaseStepTitle(event.step) });
        else if (event.type === 'step.progress') progress.report({ message: `${releaseStepTitle(event.step)}: ${event.message}` });
        else if (event.type === 'log' && event.level !== 'debug') output[event.level === 'error' ? 'error' : event.level === 'warn' ? 'warn' : 'info'](event.message);
        else if (event.type === 'step.finished') output.info(`${releaseStepTitle(event.step)}: ${event.status} (${event.durationMs} ms)${event.summary ? ` — ${event.summary}` : ''}${event.error ? ` — ${event.error.code}: ${event.error.message}` : ''}`);
      });
      try {
        const ended = mode === 'rollback' ? await releaser.rollback({ target, repoPath: dir }, controller.signal) : await releaser.release({ target, repoPath: dir, ref: 'HEAD', strategy: deps.config(dir).get('pipeline.strategy') }, controller.signal);
        follower?.end();
        return ended;
      } catch (error) {
        // Refused before it started (no earlier release, an unknown ref): said plainly, in the panel too.
        follower?.end(error);
        output.error(`${(error as Error).message}`);
        void vscode.window.showErrorMessage(`Deploy Agent: ${(error as Error).message}`);
        return undefined;
      } finally {
        detach();
        cancel.dispose();
      }
    });
    refresh();
    deps.onEnded?.();
    if (outcome) void announce(outcome);
    return outcome;
  };

  const announce = async (o: ReleaseOutcome) => {
    const what = o.mode === 'rollback' ? `Rollback of ${o.target} to ${o.release}` : `Release ${o.release} to ${o.target}`;
    const text = o.status === 'succeeded' ? `${what}: done.` : `${what}: ${o.status}${o.error ? ` — ${o.error.message}` : ''}`;
    deps.output[o.status === 'succeeded' ? 'info' : 'warn'](text);
    const show = o.status === 'succeeded' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(`Deploy Agent: ${text}`, ...(o.report ? ['Open Report'] : []), 'Show Log');
    if (choice === 'Open Report' && o.report) await vscode.window.showTextDocument(vscode.Uri.file(o.report.markdown));
    if (choice === 'Show Log') deps.output.show(true);
  };

  const check = async (target: ReleaseTarget) => {
    const hosts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploy Agent: checking ${target.name}` }, () => checkTarget(target));
    for (const h of hosts) {
      deps.output[h.ok ? 'info' : 'warn'](`${target.name} ${h.host}: ${h.ok ? `ready — host key ${h.hostKey}, current ${h.current ?? '(none)'}, ${plural(h.releases.length, 'release')} kept` : `${h.error?.code}: ${h.error?.message} → ${h.error?.hint}`}`);
      for (const note of h.notes) deps.output.info(`  ${note}`);
    }
    const ok = hosts.every((h) => h.ok);
    const message = ok ? `Deploy Agent: ${target.name} is ready (${plural(hosts.length, 'host')}).` : `Deploy Agent: ${target.name} is not ready — ${hosts.find((h) => !h.ok)?.error?.message ?? ''}`;
    void (ok ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message, 'Show Log').then((c) => c && deps.output.show(true)));
    refresh();
    return hosts;
  };

  const openConfig = async () => {
    const dir = deps.workspaceDir();
    if (!dir) return;
    const file = path.join(dir, '.deploy-agent', 'config.json');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ targets: { local: { type: 'local', path: '~/.deploy-agent/releases/app' } } }, null, 2)}\n`);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  };

  return {
    tree,
    attach(emitter) {
      changed = emitter;
    },
    async run(command, ...args) {
      switch (command) {
        case 'deployAgent.targets.refresh':
          return refresh();
        case 'deployAgent.targets.openConfig':
          return openConfig();
        case 'deployAgent.targets.check': {
          const target = await nodeTarget(args[0], 'The target to check');
          return target ? check(target) : undefined;
        }
        case 'deployAgent.targets.rollBack': {
          const target = await nodeTarget(args[0], 'The target to roll back');
          return target ? runRelease(target, 'rollback') : undefined;
        }
        case 'deployAgent.releaseToTarget':
        case 'deployAgent.targets.release': {
          const target = await nodeTarget(args[0], 'Release the workspace (HEAD) to…');
          return target ? runRelease(target, 'release') : undefined;
        }
      }
    },
    async release(name, options = {}) {
      const target = (await targets()).find((t) => t.name === name);
      if (!target) throw new Error(`no target ${name}`);
      return runRelease(target, options.mode ?? 'release', options.confirm ?? false);
    },
  };
}
