// Test helpers: run the CLI in-process with captured output, and make small inputs in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../cli-io';
import { main } from '../main';
import { REPO_ROOT } from '../../../../test/support/default-model';

export {
  REPO_ROOT,
  DEFAULT_MODEL_NAME,
  DEFAULT_MODEL_PATH,
  DEFAULT_MODEL_SIZE_PX,
  UNTRAINED_TOY_MODEL_PATH,
} from '../../../../test/support/default-model';

/** A {@link CliIo} that keeps everything written. */
export interface CapturedIo extends CliIo {
  stdoutText(): string;
  stdoutBytes(): Uint8Array;
  stderrText(): string;
}

export function captureIo(cwd: string, env: Record<string, string | undefined> = {}): CapturedIo {
  const stdoutChunks: Uint8Array[] = [];
  const stderrChunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const sink = (chunks: Uint8Array[]) => ({
    write: (chunk: string | Uint8Array) => chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
  });
  const concat = (chunks: Uint8Array[]) => {
    const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  };
  return {
    stdout: sink(stdoutChunks),
    stderr: sink(stderrChunks),
    cwd,
    env,
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    stdoutText: () => new TextDecoder().decode(concat(stdoutChunks)),
    stdoutBytes: () => concat(stdoutChunks),
    stderrText: () => new TextDecoder().decode(concat(stderrChunks)),
  };
}

/** Runs `simpleclick <argv>` in-process; returns the exit status and the captured io. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<{ status: number; io: CapturedIo }> {
  const io = captureIo(options.cwd ?? REPO_ROOT, options.env ?? {});
  const status = await main(argv, io);
  return { status, io };
}

/** A fresh temporary folder and its removal. */
export function temporaryDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'simpleclick-cli-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
