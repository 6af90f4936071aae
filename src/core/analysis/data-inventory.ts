import type { DataInventory, StructureMap } from './types';

export function buildDataInventory(map: StructureMap): DataInventory {
  void map;
  return { models: [], databases: [] };
}
