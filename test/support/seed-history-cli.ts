// Seeds a history into a database from a shell (the e2e scenarios run it while code-server has the
// same database open; SQLite's WAL lets both write). Prints what it did as one JSON line.
// Usage: node --import tsx test/support/seed-history-cli.ts --db FILE --repo DIR [--other DIR]   the known history (seed-history.ts)
//        … --db FILE --repo DIR --one                                                        its first deployment only
//        … --db FILE --repo DIR --scale N                                                    N deployments over a year in DIR (scale-history.ts)
import { openHistoryStore } from '../../src/core/store/database';
import { seedScaleHistory } from './scale-history';
import { seedHistory } from './seed-history';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const db = arg('--db');
const repo = arg('--repo');
if (!db || !repo) {
  console.error('usage: node --import tsx test/support/seed-history-cli.ts --db FILE --repo DIR [--other DIR | --one | --scale N]');
  process.exit(2);
}
const store = openHistoryStore(db);
try {
  const scale = arg('--scale');
  if (scale) console.log(JSON.stringify({ count: Number(scale), ...seedScaleHistory(store, { count: Number(scale), repos: 1, repoPrefix: repo }) }));
  else console.log(JSON.stringify(seedHistory(store, { repoPath: repo, ...(arg('--other') ? { otherRepoPath: arg('--other')! } : {}), ...(process.argv.includes('--one') ? { only: 1, idPrefix: 'one' } : {}) })));
} finally {
  store.close();
}
