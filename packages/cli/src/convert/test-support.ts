// Test helpers for convert: the official-code fixture's paths, a minimal stored-zip writer for hand-made
// checkpoints, and the Python toolchain when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

/** The repository root (this file is packages/cli/src/convert/test-support.ts; not part of the bundle). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const FIXTURE_DIR = join(REPO_ROOT, 'python/tests/fixtures/official-v1.0-small');
export const FIXTURE_PTH = join(FIXTURE_DIR, 'plainvit-small-official-v1.0.pth');
export const FIXTURE_ONNX = join(FIXTURE_DIR, 'plainvit-small-official-v1.0.onnx');
/** Templates of the fixture's reduced layout (width 32, 2 heads), made by python/tools/make_graph_templates.py. */
export const FIXTURE_TEMPLATES = join(REPO_ROOT, 'packages/cli/src/convert/test-fixtures/templates');
export const PYTHON_DIR = join(REPO_ROOT, 'python');

/** A zip archive of stored (uncompressed) entries, as torch.save writes them. */
export function storedZip(entries: ReadonlyArray<readonly [string, Uint8Array]>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(data.length, 20);
    record.writeUInt32LE(data.length, 24);
    record.writeUInt16LE(nameBytes.length, 28);
    record.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, Buffer.from(data));
    central.push(record, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

/** A checkpoint archive holding the pickle `data.pkl` (and optional storages `data/<key>`). */
export function checkpointZip(pickle: Uint8Array, storages: ReadonlyArray<readonly [string, Uint8Array]> = []): Buffer {
  return storedZip([
    ['archive/data.pkl', pickle],
    ...storages.map(([key, data]) => [`archive/data/${key}`, data] as const),
    ['archive/version', Buffer.from('3\n')],
  ]);
}

let pythonProblem: string | null | undefined;

/** Why the Python toolchain cannot run here (no /usr/bin/python3 with torch and onnx), or null when it can. */
export function pythonUnavailable(): string | null {
  if (pythonProblem !== undefined) return pythonProblem;
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return (pythonProblem = 'no /usr/bin/python3');
  const probe = spawnSync(python, ['-c', 'import torch, onnx, numpy'], { cwd: PYTHON_DIR, encoding: 'utf8' });
  pythonProblem =
    probe.status === 0 ? null : `python3 lacks torch/onnx/numpy (${(probe.stderr || '').trim().split('\n').pop()})`;
  return pythonProblem;
}

/** Runs `/usr/bin/python3 -m simpleclick <args>` in python/; throws with its stderr on failure. */
export function runPython(args: readonly string[]): void {
  const result = spawnSync('/usr/bin/python3', ['-m', 'simpleclick', ...args], {
    cwd: PYTHON_DIR,
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', SIMPLECLICK_THREADS: '1' },
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`python3 -m simpleclick ${args.join(' ')} failed: ${result.stderr}`);
}

/** Runs a Python snippet in python/. */
export function runPythonCode(code: string): void {
  const result = spawnSync('/usr/bin/python3', ['-c', code], {
    cwd: PYTHON_DIR,
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
}
