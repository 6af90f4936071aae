// A deployment's owner process is the step runner's business (src/core/flow); re-exported for the pipeline's callers.
export { OWNER_EVENT, detectInterrupted, ownerAlive, ownerOf, recordOwner, type DeploymentOwner } from '../flow/owner';
