import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program';
import { allSettings, editorOnlySettings } from '../src/core/config/sections';

/** `--help` of the program and of every command below it, as a user would see it at 80 columns. */
export function renderCliReference(): string {
  const { program, ctx } = buildProgram({});
  try {
    const blocks: string[] = [];
    const walk = (command: Command, prefix: string) => {
      command.configureOutput({ getOutHelpWidth: () => 80, getErrHelpWidth: () => 80 });
      blocks.push(`${prefix ? `$ deploy-agent ${prefix} --help\n` : ''}${command.helpInformation().trimEnd()}`);
      for (const sub of command.commands) walk(sub, prefix ? `${prefix} ${sub.name()}` : sub.name());
    };
    walk(program, '');
    return ['```text', blocks.join('\n\n'), '```'].join('\n');
  } finally {
    ctx.dispose();
  }
}

export function renderSettingsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = [...allSettings, ...editorOnlySettings].map((s) => {
    const schema = s.schema as { type?: string; default?: unknown; description?: string };
    return `| \`deployAgent.${s.key}\` | ${schema.type ?? ''} | \`${cell(JSON.stringify(schema.default))}\` | ${s.env ? `\`${s.env}\`` : editorOnlySettings.includes(s) ? 'VS Code only' : ''} | ${cell(schema.description ?? '')} |`;
  });
  return ['| setting | type | default | CLI env | meaning |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Where each generated part lives (between `<!-- marker:start -->` and `<!-- marker:end -->`). */
export const GENERATED_PARTS = [
  { file: 'docs/cli.md', marker: 'cli-reference', what: 'CLI reference' },
  { file: 'docs/configuration.md', marker: 'settings-table', what: 'settings table' },
] as const;

export function renderPart(marker: (typeof GENERATED_PARTS)[number]['marker']): string {
  return marker === 'cli-reference' ? renderCliReference() : renderSettingsTable();
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`no ${start} … ${end} markers`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}
