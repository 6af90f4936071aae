// Regenerates the documentation's generated parts from the code, so they cannot drift:
//   - docs/cli.md: the full CLI reference (the --help of every command and subcommand), from the program itself;
//   - docs/configuration.md: the settings table, from the setting definitions in src/core/config/sections.
// A unit test fails when a file differs from what this writes:  npm run sync:readme
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_PARTS, renderPart, replaceBetween } from './readme-parts';

const root = path.resolve(__dirname, '..');
for (const part of GENERATED_PARTS) {
  const file = path.join(root, part.file);
  writeFileSync(file, replaceBetween(readFileSync(file, 'utf8'), part.marker, renderPart(part.marker)));
  console.log(`${part.file}: ${part.what} regenerated`);
}
