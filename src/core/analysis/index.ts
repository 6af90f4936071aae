/**
 * Workspace analysis: structure map, project profile (stack detection with confidence),
 * data inventory and integration points for a recommendation.
 */
export type * from './types';
export { analyzeWorkspace } from './profile';
export { analyzeIntegration, buildRepoMap } from './integration';
export { buildImportGraph } from './import-graph';
export { checkDataRequirements } from './data-requirements';
export { buildStructureMap } from './structure';
export { AnalysisCache } from './cache';
