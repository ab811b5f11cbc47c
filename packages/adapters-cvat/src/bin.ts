// The `simpleclick-cvat` executable: serves SimpleClick as a CVAT interactor until SIGINT or SIGTERM.
import { main } from './cli/main';

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onListening: (_service, stop, settings) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
    if (settings.stopWithStdin) {
      // The nuclio handler holds our stdin open; when it dies (even by SIGKILL) the pipe closes and we stop.
      process.stdin.once('close', () => void stop());
      process.stdin.resume();
    }
  },
}).then(
  (status) => {
    process.exitCode = status;
    process.stdin.destroy(); // with --stop-with-stdin the open pipe would keep the process alive
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
