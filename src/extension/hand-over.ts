/**
 * How long the first command waits after handing VS Code a webview's document before loading the
 * services (a second of synchronous work). Measured in the e2e run: loading them a macrotask later
 * (0 ms) still held the document back until they had loaded (it started 1430 ms after the
 * command); 40 ms later it started at 377 ms, while they loaded.
 */
export const HAND_OVER_MS = 40;
