/**
 * The moment the extension's bundle started to evaluate. Imported first by extension.ts, so esbuild
 * places this module's body before every other module of the bundle: `activationMs()` then covers
 * loading the bundle's code plus `activate()`. One `performance.now()`, nothing else.
 */
export const bundleLoadStart = performance.now();
