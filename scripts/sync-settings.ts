// Writes the settings defined in src/core/config into package.json (contributes.configuration)
// and schemas/config.schema.json (IntelliSense for .deploy-agent/config.json).
// A unit test fails when these files drift from the definitions, so run this after a change:
//   npm run sync:settings
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { manifestConfigurationProperties, workspaceConfigJsonSchema } from '../src/core/config/schema';

const root = path.resolve(__dirname, '..');
const manifestPath = path.join(root, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration.properties = manifestConfigurationProperties();
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
mkdirSync(path.join(root, 'schemas'), { recursive: true });
writeFileSync(path.join(root, 'schemas', 'config.schema.json'), JSON.stringify(workspaceConfigJsonSchema(), null, 2) + '\n');
console.log(`synced ${Object.keys(manifest.contributes.configuration.properties).length} settings`);
