import type { Migration } from './types';
import { historyTables } from './001-history';
import { analysisTables } from './002-analysis';
import { aiTables } from './003-ai';
import { strategyTables } from './004-strategy';
import { pipelineTables } from './005-pipeline';
import { shippingTables } from './006-shipping';
import { learningTables } from './007-learning';
import { analyticsScopeTables } from './008-analytics-scope';
import { reviewStatus } from './009-review-status';
import { releaseKindColumns } from './010-release-kind';
import { setupFailureStatuses } from './011-setup-failures';
import { editorTables } from './012-editor';
import { promptCacheColumns } from './013-prompt-cache';
import { evalTables } from './014-eval';
import { learntModelInputColumns } from './015-learnt-model-input';
import { dailyModelInputColumns } from './016-daily-model-input';

/**
 * Every schema version in order. A migration, once released, is never edited: add a new
 * one at the end. `user_version` on disk is the number of the last one applied.
 */
export const migrations: readonly Migration[] = [historyTables, analysisTables, aiTables, strategyTables, pipelineTables, shippingTables, learningTables, analyticsScopeTables, reviewStatus, releaseKindColumns, setupFailureStatuses, editorTables, promptCacheColumns, evalTables, learntModelInputColumns, dailyModelInputColumns];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;

export type { Migration } from './types';
