/**
 * Secret redaction: one layer, applied where text leaves for a model or is stored or printed.
 * See docs/security.md for what is redacted, where, and what is not.
 */
export { gatherSecrets, type GatheredSecrets } from './gather';
export { Redactor } from './redactor';
export { secretRegistry, SecretRegistry } from './registry';
export { isSecretFile, maskSecretFile, secretFileEntries } from './secret-files';
export { entropy, isSecretEntry, looksRandom, plausibleSecret, secretsOfEnvironment, type SecretValue } from './secret-values';
export { shapesIn, TOKEN_SHAPES, type TokenShape } from './token-shapes';
