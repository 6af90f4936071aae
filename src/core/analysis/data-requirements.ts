import type { Recommendation } from '../recommendation/types';
import type { DataGap, DataInventory, ProjectProfile } from './types';

export function checkDataRequirements(source: ProjectProfile | DataInventory, recommendation: Pick<Recommendation, 'dataRequirements'>): DataGap[] {
  void source;
  void recommendation;
  return [];
}
