// Seeds the sidebar's known history into a database from a shell (the e2e scenario runs it while
// code-server has the same database open; SQLite's WAL lets both write).
// Usage: node --import tsx test/support/seed-history-cli.ts --db FILE --repo DIR [--other DIR]
import { openHistoryStore } from '../../src/core/store/database';
import { seedHistory } from './seed-history';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const db = arg('--db');
const repo = arg('--repo');
if (!db || !repo) {
  console.error('usage: node --import tsx test/support/seed-history-cli.ts --db FILE --repo DIR [--other DIR]');
  process.exit(2);
}
const store = openHistoryStore(db);
try {
  console.log(JSON.stringify(seedHistory(store, { repoPath: repo, ...(arg('--other') ? { otherRepoPath: arg('--other')! } : {}) })));
} finally {
  store.close();
}
