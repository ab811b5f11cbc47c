import { CommandError } from '../cli-errors';

/**
 * A checkpoint that cannot be converted (missing, empty, truncated or corrupt file, not a SimpleClick checkpoint,
 * a layout without a template, ...). One line for the user; the CLI prints it as `error: ...` and exits 1.
 */
export class ConvertError extends CommandError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConvertError';
  }
}
