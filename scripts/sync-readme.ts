// Regenerates the README's generated parts from the code, so they cannot drift:
//   - the full CLI reference (the --help of every command and subcommand), from the program itself;
//   - the settings table, from the setting definitions in src/core/config/sections.
// A unit test fails when the README differs from what this writes:  npm run sync:readme
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCliReference, renderSettingsTable, replaceBetween } from './readme-parts';

const file = path.resolve(__dirname, '..', 'README.md');
let text = readFileSync(file, 'utf8');
text = replaceBetween(text, 'cli-reference', renderCliReference());
text = replaceBetween(text, 'settings-table', renderSettingsTable());
writeFileSync(file, text);
console.log('README.md: CLI reference and settings table regenerated');
