// The `simpleclick-labelstudio` executable: starts the ML backend and stops it on SIGINT / SIGTERM.
import { runCli } from './cli/run-cli';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
  ({ status, running }) => {
    process.exitCode = status;
    if (running === undefined) return;
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: stopping\n`);
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
