import type { ToolCall } from './types';

/**
 * For models without native tool calling: the same protocol written as text, parsed as
 * strictly as tool calls. The instructions below go into the system prompt.
 */
export const TEXT_PROTOCOL_INSTRUCTIONS = `You cannot call tools directly; write actions in your reply instead, exactly in these forms:
- Read a file: a line \`READ: path/to/file\`
- List a folder: a line \`LIST: path/to/folder\` (\`LIST: .\` for the root)
- Search: a line \`SEARCH: text to find\`
- Create or replace a file: a fenced block whose info string is \`file:\` followed by the path, containing the complete file:
\`\`\`file:src/example.ts
(complete content)
\`\`\`
- Change part of a file: a fenced block \`edit:\` followed by the path, with one SEARCH/REPLACE pair:
\`\`\`edit:src/example.ts
<<<<<<< SEARCH
(exact existing text)
=======
(replacement)
>>>>>>> REPLACE
\`\`\`
- When the work is done: a line \`FINISH: one-paragraph summary\`
Paths are relative to the workspace root. Results of your actions come back in the next message.`;

export interface TextParseResult {
  calls: ToolCall[];
  /** Problems in the reply's format, told to the model as errors (each counts as a malformed call). */
  problems: string[];
}

const OPEN = /^(`{3,}|~{3,})\s*(.*)$/;

export function parseTextActions(text: string): TextParseResult {
  const calls: ToolCall[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  let plainCodeBlocks = 0;
  const add = (name: string, args: Record<string, unknown> | undefined, raw?: string) => calls.push({ id: `text_${calls.length}`, name, arguments: args, ...(raw !== undefined ? { raw } : {}) });

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = OPEN.exec(line.trimEnd());
    if (open) {
      const fence = open[1]!;
      const info = open[2]!.trim();
      let end = -1;
      for (let j = i + 1; j < lines.length; j++) {
        if (lines[j]!.trimEnd() === fence) {
          end = j;
          break;
        }
      }
      const action = /^(file|edit)\s*:\s*(\S.*)$/i.exec(info);
      if (end < 0) {
        if (action) problems.push(`The ${action[1]!.toLowerCase()} block for ${action[2]!.trim()} is not closed with ${fence}; nothing was written for it.`);
        else plainCodeBlocks++;
        break;
      }
      const body = lines.slice(i + 1, end).join('\n');
      if (action) {
        const kind = action[1]!.toLowerCase();
        const file = action[2]!.trim();
        if (kind === 'file') add('write_file', { path: file, content: body.endsWith('\n') || body === '' ? body : `${body}\n` });
        else {
          const edit = /^<{7} SEARCH\n([\s\S]*?)\n?={7}\n([\s\S]*?)\n?>{7} REPLACE\s*$/.exec(body);
          if (edit) add('edit_file', { path: file, search: edit[1]!, replace: edit[2]! });
          else problems.push(`The edit block for ${file} does not have the form <<<<<<< SEARCH / ======= / >>>>>>> REPLACE; nothing was changed.`);
        }
      } else if (info !== '' || body.trim()) {
        plainCodeBlocks++;
      }
      i = end;
      continue;
    }
    const command = /^\s*(READ|LIST|SEARCH|FINISH)\s*:\s*(.*)$/.exec(line);
    if (command) {
      const value = command[2]!.trim();
      const key = command[1]!;
      if (key === 'READ') add('read_file', { path: value });
      else if (key === 'LIST') add('list_files', { path: value || '.' });
      else if (key === 'SEARCH') add('search', { query: value });
      else add('finish', { summary: [value, ...lines.slice(i + 1)].join('\n').trim() || 'Done.' });
      if (key === 'FINISH') break;
    }
  }
  if (!calls.length && !problems.length && plainCodeBlocks > 0) {
    problems.push('Your reply has code blocks that do not name a file. Use ```file:path/to/file for whole files or ```edit:path/to/file with SEARCH/REPLACE markers.');
  }
  return { calls, problems };
}
