import { SimpleClickError } from '@simpleclick/core';

/** Exit status of a successful run. */
export const EXIT_OK = 0;
/** Exit status when the inputs cannot be used: missing or corrupt image, clicks outside it, bad model file... */
export const EXIT_FAILURE = 1;
/** Exit status for malformed command lines: unknown options, values that do not parse, conflicting options. */
export const EXIT_USAGE = 2;

/** A command line that cannot run as written (exit status {@link EXIT_USAGE}). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the command explains in its message (exit status {@link EXIT_FAILURE}). */
export class CommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/**
 * The one line printed for an error, without stack traces: messages of the SDK's typed errors and of this
 * command's own errors are written for people; anything else (a bug, an unexpected runtime failure) keeps its
 * class name so that it can be reported.
 */
export function errorLine(error: unknown): string {
  if (error instanceof UsageError || error instanceof CommandError) return `error: ${firstLine(error.message)}`;
  if (error instanceof SimpleClickError) return `error: ${firstLine(error.message)}`;
  if (error instanceof Error) return `error: ${error.name}: ${firstLine(error.message)}`;
  return `error: ${String(error)}`;
}

/** The exit status for an error thrown by a command. */
export function exitStatusOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
  return line.trim();
}
