/** The package version (kept equal to package.json's "version"; a test checks it). */
export const ADAPTER_VERSION = '0.1.0';
