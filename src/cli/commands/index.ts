import type { Command } from 'commander';
import type { CliContext } from '../context';
import { registerAi } from './ai';
import { registerAnalyze } from './analyze';
import { registerGenerateConfig } from './generate-config';
import { registerDiagnostics } from './diagnostics';
import { registerEval } from './eval';
import { registerClean } from './clean';
import { registerDeploy } from './deploy';
import { registerList } from './list';
import { registerModel } from './model';
import { registerReport } from './report';
import { registerResume } from './resume';
import { registerReview } from './review';
import { registerRollback } from './rollback';
import { registerStrategy } from './strategy';
import { registerLearning } from './learning';
import { registerHistory } from './history';
import { registerSync } from './sync';
import { registerRelease, registerTargets } from './release';

/** Every CLI command, in help order. Each area adds its own register function here. */
export const commandRegistrations: ((program: Command, ctx: CliContext) => void)[] = [registerDiagnostics, registerDeploy, registerList, registerResume, registerReview, registerRollback, registerRelease, registerTargets, registerReport, registerClean, registerAi, registerAnalyze, registerGenerateConfig, registerStrategy, registerSync, registerHistory, registerLearning, registerModel, registerEval];
