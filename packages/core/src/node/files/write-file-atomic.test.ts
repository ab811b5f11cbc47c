import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'simpleclick-atomic-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file by a new one (rename), never rewriting the old one in place', async () => {
    const path = join(folder, 'mask.png');
    writeFileSync(path, 'old valid mask');
    // A hard link sees writes into the old file: after an atomic replace it still holds the old content.
    linkSync(path, join(folder, 'witness'));
    const inodeBefore = statSync(path).ino;
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(statSync(path).ino).not.toBe(inodeBefore);
    expect(readFileSync(join(folder, 'witness'), 'utf8')).toBe('old valid mask');
    expect(readdirSync(folder).sort()).toEqual(['mask.png', 'witness']); // no temporary file left
  });

  it('writes strings, creates missing files, keeps the permissions of an existing one', async () => {
    const path = join(folder, 'result.json');
    await writeFileAtomic(path, '{"a":1}');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
    chmodSync(path, 0o640);
    await writeFileAtomic(path, '{"a":2}');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('writes through a symbolic link to the file it points to', async () => {
    const real = join(folder, 'real.json');
    writeFileSync(real, 'old');
    symlinkSync(real, join(folder, 'link.json'));
    await writeFileAtomic(join(folder, 'link.json'), 'new');
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(join(folder, 'link.json')).isFile()).toBe(true);
  });

  it('leaves the old file whole and no temporary file when the write fails', async () => {
    const path = join(folder, 'mask.png');
    writeFileSync(path, 'old valid mask');
    // Data the file system write rejects half way through the protocol (after the temporary file exists).
    await expect(writeFileAtomic(path, 42 as unknown as string)).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old valid mask');
    expect(readdirSync(folder)).toEqual(['mask.png']);
  });

  it('writes straight to devices and pipes, never renaming over them (/dev/null stays a device)', async () => {
    await writeFileAtomic('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync('/dev').filter((name) => name.startsWith('.null.'))).toEqual([]);
  });

  it('refuses to replace a folder', async () => {
    await expect(writeFileAtomic(folder, 'x')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(statSync(folder).isDirectory()).toBe(true);
  });

  it('rejects with the file system error for a missing folder', async () => {
    await expect(writeFileAtomic(join(folder, 'missing', 'x.png'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
