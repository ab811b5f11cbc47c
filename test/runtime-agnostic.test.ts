// The main entry of @simpleclick/core must run in any JavaScript runtime: its folders may not import Node built-ins,
// Node-only packages or touch DOM globals. Node code lives in src/node, browser code in src/web.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreSrc = new URL('../packages/core/src/', import.meta.url).pathname;
// eval/index.ts (the @simpleclick/core/eval entry) re-exports the Node dataset loaders of src/node; the evaluation
// itself (the rest of eval/) stays runtime-agnostic.
const runtimeAgnosticFolders = ['image', 'clicks', 'predictor', 'model', 'session', 'mask', 'formats', 'eval', 'cache'];
const forbiddenImport =
  /from\s+['"](node:[^'"]+|fs|path|os|zlib|crypto|buffer|sharp|onnxruntime-node|onnxruntime-web)['"]/;
const forbiddenGlobal = /\b(Buffer\.|process\.|document\.|window\.|require\()/;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.includes('test-support') ? [path] : [];
  });
}

describe('runtime-agnostic core', () => {
  const files = [
    join(coreSrc, 'index.ts'),
    join(coreSrc, 'errors.ts'),
    join(coreSrc, 'clock.ts'),
    ...runtimeAgnosticFolders.flatMap((f) => sourceFiles(join(coreSrc, f))),
  ];

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.slice(coreSrc.length), f]))('%s imports no Node or DOM API', (_name, file) => {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(forbiddenImport);
    expect(code).not.toMatch(forbiddenGlobal);
  });
});
