#!/usr/bin/env node
import { nodeVersionProblem } from './node-version';

// The version check comes before every other import: start.ts pulls in better-sqlite3, which
// crashes an older Node silently (see node-version.ts). Hence the dynamic import.
const problem = nodeVersionProblem({ node: process.versions.node, napi: process.versions.napi });
if (problem) {
  process.stderr.write(problem);
  process.exitCode = 1;
} else {
  await import('./start');
}
