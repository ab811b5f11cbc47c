import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BinaryMask, Click, RgbImage } from '@simpleclick/core';
import { writeFileAtomic } from '@simpleclick/core/internal';
import { CommandError } from '../cli-errors';

/** What the PyTorch reference bench (python/simpleclick/bench.py) reports. */
export interface PythonBenchReport {
  readonly torchVersion: string;
  readonly python: string;
  readonly threads: number;
  readonly netSizePx: number;
  readonly flip: boolean;
  /** Per round, milliseconds per click (predict + threshold). */
  readonly perClickMs: number[][];
  /** Per round, milliseconds in the network forward per click. */
  readonly modelMs: number[][];
  /** The final mask of the last round. */
  readonly finalMask: BinaryMask;
}

/** How to run the reference. */
export interface PythonBenchOptions {
  /** The interpreter with torch (default /usr/bin/python3). */
  readonly python: string;
  /** The folder holding the `simpleclick` package (the repository's python/). */
  readonly toolchainDirectory: string;
  readonly modelPath: string;
  readonly netSizePx: number;
  readonly threads: number;
  readonly flip: boolean;
  readonly threshold: number;
  readonly rounds: number;
  /** Give up after this many seconds. */
  readonly timeoutSeconds: number;
}

/**
 * Runs `python3 -m simpleclick.bench` on exactly the pixels and clicks the TypeScript side used: the decoded
 * image goes over as raw RGB bytes in a temporary file, so both predictors see the same input whatever the
 * decoders would have done. Throws CommandError with the interpreter's last error line when it fails.
 */
export async function runPythonReference(
  image: RgbImage,
  clicks: readonly Click[],
  options: PythonBenchOptions,
): Promise<PythonBenchReport> {
  const directory = await mkdtemp(join(tmpdir(), 'simpleclick-bench-'));
  try {
    const rgbPath = join(directory, 'image.rgb');
    const clicksPath = join(directory, 'clicks.json');
    const maskPath = join(directory, 'mask.u8');
    // The one file-writing helper of the project, here too (a private folder, but the same guarantees).
    await writeFileAtomic(rgbPath, image.data);
    await writeFileAtomic(clicksPath, JSON.stringify(clicks));
    const args = [
      '-m',
      'simpleclick.bench',
      '--model',
      options.modelPath,
      '--rgb',
      rgbPath,
      '--width',
      String(image.width),
      '--height',
      String(image.height),
      '--clicks',
      `@${clicksPath}`,
      '--net-size',
      String(options.netSizePx),
      '--threads',
      String(options.threads),
      '--threshold',
      String(options.threshold),
      '--rounds',
      String(options.rounds),
      '--mask-out',
      maskPath,
      ...(options.flip ? ['--flip'] : []),
    ];
    const stdout = await runProcess(options.python, args, options.toolchainDirectory, options.timeoutSeconds);
    let parsed: Omit<PythonBenchReport, 'finalMask'>;
    try {
      parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<PythonBenchReport, 'finalMask'>;
    } catch (cause) {
      throw new CommandError(`the PyTorch reference printed no JSON result: ${stdout.slice(-200)}`, { cause });
    }
    const maskBytes = new Uint8Array(await readFile(maskPath));
    if (maskBytes.length !== image.width * image.height) {
      throw new CommandError(
        `the PyTorch reference wrote a mask of ${maskBytes.length} bytes, expected ${image.width * image.height}`,
      );
    }
    return { ...parsed, finalMask: { width: image.width, height: image.height, data: maskBytes } };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function runProcess(command: string, args: readonly string[], cwd: string, timeoutSeconds: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`cannot start ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(stdoutChunks).toString('utf8');
      if (code === 0) {
        resolvePromise(stdout);
        return;
      }
      const stderrText = Buffer.concat(stderrChunks).toString('utf8').trim();
      const lastLine = stderrText.split('\n').pop() ?? '';
      const why = signal
        ? `was stopped (${signal}${signal === 'SIGKILL' ? `, over ${timeoutSeconds} s` : ''})`
        : `exited with ${code}`;
      reject(new CommandError(`the PyTorch reference (${command} -m simpleclick.bench) ${why}: ${lastLine}`));
    });
  });
}
