// Keeps the core's public surface small and every name in one place (issue 11): the main entry is the interactive
// path (under 80 exports), and formats, evaluation and internals each have their own subpath, never re-exported by
// another entry. The node and web entries are the main entry plus their runtime, so they may repeat its names only.
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const coreSrc = new URL('../packages/core/src/', import.meta.url).pathname;
const ENTRIES = {
  index: 'index.ts',
  node: 'node/index.ts',
  web: 'web/index.ts',
  formats: 'formats/index.ts',
  eval: 'eval/index.ts',
  internal: 'internal/index.ts',
} as const;
type Entry = keyof typeof ENTRIES;

function exportedNames(): Record<Entry, string[]> {
  const files = Object.values(ENTRIES).map((path) => coreSrc + path);
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['node'],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  });
  const checker = program.getTypeChecker();
  const names = {} as Record<Entry, string[]>;
  for (const [entry, path] of Object.entries(ENTRIES) as [Entry, string][]) {
    const source = program.getSourceFile(coreSrc + path);
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`cannot read the exports of ${path}`);
    names[entry] = checker.getExportsOfModule(symbol).map((exported) => exported.name);
  }
  return names;
}

describe('the public surface of @simpleclick/core', () => {
  const names = exportedNames();

  it('keeps the main entry under 80 exports', () => {
    expect(names.index.length).toBeGreaterThan(30);
    expect(names.index.length).toBeLessThan(80);
  });

  it('re-exports the main entry from the node and web entries', () => {
    for (const runtime of ['node', 'web'] as const) {
      expect(names[runtime]).toEqual(expect.arrayContaining(names.index));
    }
  });

  it('exports every name from one place', () => {
    const owners = new Map<string, Entry[]>();
    for (const entry of ['index', 'formats', 'eval', 'internal'] as const) {
      for (const name of names[entry]) owners.set(name, [...(owners.get(name) ?? []), entry]);
    }
    for (const runtime of ['node', 'web'] as const) {
      for (const name of names[runtime]) {
        if (!names.index.includes(name)) owners.set(name, [...(owners.get(name) ?? []), runtime]);
      }
    }
    const repeated = [...owners].filter(([, entries]) => entries.length > 1);
    expect(repeated).toEqual([]);
  });
});
