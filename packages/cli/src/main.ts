import { Command, CommanderError } from 'commander';
import { errorLine, exitStatusOf, EXIT_OK, EXIT_USAGE } from './cli-errors';
import { createProcessIo, type CliIo } from './cli-io';
import { addBenchCommand } from './commands/bench-command';
import { addConvertCommand } from './commands/convert-command';
import { addEvalCommand } from './commands/eval-command';
import { addInfoCommand } from './commands/info-command';
import { addSegmentCommand } from './commands/segment-command';
import { CLI_VERSION } from './version';

/**
 * Builds the `simpleclick` program. A new program per run: commander keeps parsed values on the objects.
 * Errors and help go to `io`; commander never exits the process (exitOverride), so {@link main} decides. Errors
 * stay one line (no help dump after them; `--help` shows it).
 */
function createProgram(io: CliIo, argv: readonly string[] = []): Command {
  const program = new Command('simpleclick')
    .description('SimpleClick click-based interactive segmentation from the command line')
    .version(CLI_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  addSegmentCommand(program, io);
  addEvalCommand(program, io, argv);
  addBenchCommand(program, io);
  addInfoCommand(program, io);
  addConvertCommand(program, io);
  // Subcommands inherit the program's output and error behaviour only when set on each of them.
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  }
  return program;
}

/**
 * Runs the command line `argv` (without the node and script paths) and returns the exit status: 0 on success,
 * 1 when the inputs cannot be used (missing or corrupt image, clicks outside it, unknown model file...), 2 for a
 * malformed command line. Errors are printed as one line on `io.stderr`.
 */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  const program = createProgram(io, argv);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help / version) already.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    io.stderr.write(`${errorLine(error)}\n`);
    return exitStatusOf(error);
  }
}
