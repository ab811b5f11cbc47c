// Counts the public exports of a package's built entries (its bundled .d.ts files), split into values (classes,
// functions, constants) and type-only names (interfaces, type aliases), the measure issue 11 keeps the core's
// surface under. Usage: node scripts/count-exports.mjs [package folder, default packages/core]
//   node scripts/count-exports.mjs packages/core --names   (also lists the names)
// Reads the declarations through the TypeScript compiler, so `export *` chains and re-exports count once each.
import ts from 'typescript';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const listNames = args.includes('--names');
const packageDir = resolve(args.find((arg) => !arg.startsWith('--')) ?? 'packages/core');
const distDir = join(packageDir, 'dist');
const entries = readdirSync(distDir)
  .filter((name) => name.endsWith('.d.ts'))
  .sort();
if (entries.length === 0) {
  console.error(`no .d.ts files in ${distDir}: build the package first (npm run build)`);
  process.exit(1);
}

const files = entries.map((name) => join(distDir, name));
const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, types: [] });
const checker = program.getTypeChecker();

for (const file of files) {
  const source = program.getSourceFile(file);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) continue;
  const values = [];
  const types = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(exported.name);
  }
  const entry = file.slice(distDir.length + 1).replace(/\.d\.ts$/, '');
  console.log(`${entry}: ${values.length + types.length} exports (${values.length} values, ${types.length} types)`);
  if (listNames) {
    console.log(`  values: ${values.sort().join(', ')}`);
    console.log(`  types: ${types.sort().join(', ')}`);
  }
}
