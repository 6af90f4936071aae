export { detectConfinementTool, forgetConfinementTools } from './detect';
export { chooseConfinement, sandboxConfinement, widen, type ChosenConfinement, type ConfinementInput, type ConfinementSettings } from './policy';
export { describeConfinement, type Confinement, type ConfinementKind, type ConfinementTool } from './types';
export { confineCommand, type WrappedCommand } from './wrap';
