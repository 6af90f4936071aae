import path from 'node:path';
import { openHistoryStore, type HistoryStore } from '../../src/core/store/database';
import { tempDir } from './temp';

/**
 * A fresh history database per test, in its own temp folder, closed and removed afterwards.
 * Call inside `describe`; read `.store` / `.dir` inside the tests.
 */
export function useTempStore(): { readonly store: HistoryStore; readonly dir: string } {
  let dir: ReturnType<typeof tempDir> | undefined;
  let store: HistoryStore | undefined;
  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'h.db'));
  });
  afterEach(() => {
    store?.close();
    dir?.cleanup();
    store = undefined;
    dir = undefined;
  });
  return {
    get store() {
      if (!store) throw new Error('useTempStore: the store exists only inside a test');
      return store;
    },
    get dir() {
      if (!dir) throw new Error('useTempStore: the folder exists only inside a test');
      return dir.path;
    },
  };
}
