// @ts-check
// Content types of the files the example servers send. Browsers refuse module scripts that are not served as
// JavaScript, and WebAssembly.instantiateStreaming needs application/wasm.

/** @type {Readonly<Record<string, string>>} */
export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
});

/**
 * The content type of a file name by its extension (lower-cased), or undefined for one the server does not send.
 * @param {string} fileName
 * @returns {string | undefined}
 */
export function mimeTypeOf(fileName) {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return undefined;
  return MIME_TYPES[fileName.slice(dot).toLowerCase()];
}
