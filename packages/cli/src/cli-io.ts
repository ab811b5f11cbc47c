import { stderr as processStderr, stdout as processStdout } from 'node:process';

/** Something text or bytes can be written to (a process stream, or a buffer in tests). */
export interface OutputSink {
  write(chunk: string | Uint8Array): unknown;
}

/**
 * Everything the command touches outside its arguments, so that tests can run {@link main} in-process with
 * captured output, another working directory and another environment.
 */
export interface CliIo {
  /** Results (mask JSON, tables, bench numbers). */
  readonly stdout: OutputSink;
  /** Progress, warnings, one-line summaries and errors. */
  readonly stderr: OutputSink;
  /** Relative paths in arguments are resolved against this directory. */
  readonly cwd: string;
  /** Environment variables (SIMPLECLICK_MODELS_DIR, SIMPLECLICK_PYTHON, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (binary output is refused there). */
  readonly stdoutIsTerminal: boolean;
  /** Whether stderr is a terminal (the progress bar redraws one line there, else prints occasional lines). */
  readonly stderrIsTerminal: boolean;
  /** Terminal width in columns, when known. */
  readonly stderrColumns?: number;
}

/** The {@link CliIo} of the running process. */
export function createProcessIo(): CliIo {
  return {
    stdout: processStdout,
    stderr: processStderr,
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTerminal: processStdout.isTTY === true,
    stderrIsTerminal: processStderr.isTTY === true,
    ...(processStderr.columns ? { stderrColumns: processStderr.columns } : {}),
  };
}
