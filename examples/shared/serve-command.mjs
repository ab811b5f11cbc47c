// @ts-check
// The command line of the example servers (their serve.mjs): parses --port, --host and, where the server offers
// it, --no-isolation; starts the server, prints its URL and stops it on Ctrl+C (SIGINT) or SIGTERM. Exit codes:
// 2 for a bad command line, 1 when the server cannot start (setup missing, port in use).
import { parseArgs } from 'node:util';
import { DemoSetupError } from './demo-setup-error.mjs';

/**
 * @typedef {object} ServeOptions What the command line asks of the server.
 * @property {string} host
 * @property {number} port
 * @property {boolean} crossOriginIsolation false with --no-isolation.
 */

/**
 * @typedef {object} ServeCommand
 * @property {string} script The script's path from the repository root, for the usage line.
 * @property {string} title Printed before the server's URL.
 * @property {string} errorPrefix Starts the messages of a server that cannot start (e.g. the npm script's name).
 * @property {{ host: string, port: number }} defaults Used without --host and --port (and env PORT).
 * @property {boolean} [noIsolationSwitch] Offer --no-isolation (default false: the option is unknown).
 * @property {(options: ServeOptions) => Promise<import('./static-server.mjs').StaticServer>} start
 */

/**
 * Runs the command line of an example server; exits the process on a bad command line or a failed start.
 * @param {ServeCommand} command
 * @param {string[]} [args] Default: the process's arguments.
 * @returns {Promise<void>} Once the server listens.
 */
export async function runServeCommand(command, args = process.argv.slice(2)) {
  const usage =
    `usage: node ${command.script} [--port N] [--host ADDRESS]` +
    (command.noIsolationSwitch ? ' [--no-isolation]' : '');
  /** @type {import('node:util').ParseArgsConfig['options']} */
  const options = { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } };
  if (command.noIsolationSwitch) options['no-isolation'] = { type: 'boolean' };

  /** @type {{ port?: string, host?: string, 'no-isolation'?: boolean, help?: boolean }} */
  let values;
  try {
    ({ values } = /** @type {{ values: typeof values }} */ (parseArgs({ args, options })));
  } catch (error) {
    console.error(`${/** @type {Error} */ (error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const port = Number(values.port ?? process.env.PORT ?? command.defaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer in 0..65535, got ${values.port}\n${usage}`);
    process.exit(2);
  }
  const crossOriginIsolation = !values['no-isolation'];

  try {
    const server = await command.start({ host: values.host ?? command.defaults.host, port, crossOriginIsolation });
    console.log(`${command.title}: ${server.url}`);
    if (!crossOriginIsolation) console.log('COOP/COEP headers off: onnxruntime-web will run one WebAssembly thread.');
    console.log('Ctrl+C stops the server.');
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    if (error instanceof DemoSetupError) {
      console.error(`${command.errorPrefix}: ${error.message}`);
      process.exit(1);
    }
    if (/** @type {{ code?: string }} */ (error).code === 'EADDRINUSE') {
      console.error(`${command.errorPrefix}: port ${port} is in use; pick another with --port N`);
      process.exit(1);
    }
    throw error;
  }
}
