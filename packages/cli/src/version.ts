/** The CLI's version (kept equal to package.json's "version"; a test checks it). */
export const CLI_VERSION = '0.1.0';
