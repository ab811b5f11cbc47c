import { resolve } from 'node:path';
import { SimpleClickError } from '@simpleclick/core';
import type { BackendLog } from '../backend/backend-options';
import { serve, type RunningBackend } from '../server/serve';
import { ADAPTER_VERSION } from '../version';
import { HELP_TEXT, parseCliArgs, UsageError } from './parse-cli-args';

/** Exit statuses: 0 done, 1 the backend could not start (model file, port), 2 a malformed command line. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** What the command touches besides its arguments (tests pass their own). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The model path is resolved against this folder. */
  readonly cwd: string;
}

/** The outcome of {@link runCli}: an exit status, and the server when one was started (it runs until closed). */
export interface CliOutcome {
  readonly status: number;
  readonly running?: RunningBackend;
}

/**
 * Runs `simpleclick-labelstudio` in-process: prints help or version, or starts the backend and returns it
 * running. Errors are one line on stderr, `error: ...`, with exit status 1 or 2.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  let command;
  try {
    command = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message}\n(see simpleclick-labelstudio --help)\n`);
    return { status: EXIT_USAGE };
  }
  if (command.kind === 'help') {
    io.stdout.write(HELP_TEXT);
    return { status: EXIT_OK };
  }
  if (command.kind === 'version') {
    io.stdout.write(`${ADAPTER_VERSION}\n`);
    return { status: EXIT_OK };
  }
  const log: BackendLog = (level, message) => {
    if (level === 'info' && command.quiet) return;
    io.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  };
  const model = resolve(io.cwd, command.options.model as string);
  let running: RunningBackend;
  try {
    running = await serve({ ...command.options, model, log });
  } catch (error) {
    const known = error instanceof SimpleClickError || (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
    io.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    if (!known) throw error;
    return { status: EXIT_FAILURE };
  }
  const metadata = running.backend.modelMetadata;
  if (metadata?.trained === false) {
    io.stderr.write(
      `${'!'.repeat(78)}\n!! WARNING: the model ${command.options.model as string} is UNTRAINED (random weights): its masks are\n` +
        `!! meaningless. Use it to try the plumbing; pass --model with a trained SimpleClick export.\n${'!'.repeat(78)}\n`,
    );
  }
  const connection = command.options.labelStudio?.url ?? "from /setup (Label Studio's hostname and token), else none";
  // The address really bound (0.0.0.0 stays 0.0.0.0), and where to reach it from here when that differs.
  const where = `http://${running.boundAddress}`;
  io.stderr.write(
    `SimpleClick ML backend ${ADAPTER_VERSION} listening on ${where}` +
      `${running.url !== where ? ` (all interfaces; from this machine ${running.url})` : ''} (model_version ${running.backend.modelVersion}` +
      `${metadata !== undefined ? `, ${metadata.variant} S=${metadata.inputSizePx}` : ''}); Label Studio: ${connection}\n`,
  );
  return { status: EXIT_OK, running };
}
