import manifest from '../../package.json';

/** Deploy Agent's own version, from the manifest (inlined by the bundler). */
export const DEPLOY_AGENT_VERSION: string = manifest.version;
