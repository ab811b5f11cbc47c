import { SimpleClickError } from '@simpleclick/core';
import { createCvatInteractorFromFile } from '../interactor/create-interactor-from-file';
import { startCvatHttpService, type RunningCvatHttpService } from '../http/http-service';
import { ADAPTER_VERSION } from '../version';
import { parseCliArgs, USAGE, type ServeSettings } from './parse-args';

/** Where the command writes, and what it reads from its process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Called once the service listens, with a function that stops it and the settings; the executable stops it on
   * SIGINT and SIGTERM (and when stdin closes, with --stop-with-stdin). main() resolves after the service stopped.
   */
  readonly onListening: (service: RunningCvatHttpService, stop: () => Promise<void>, settings: ServeSettings) => void;
}

/** Exit statuses: 0 done, 1 the service could not start (model, port), 2 bad command line. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs `simpleclick-cvat` with `argv` (without node and the script): prints help or the version, or loads the
 * model, starts the HTTP service and resolves with the exit status once it is stopped.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv, io.env);
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n(simpleclick-cvat --help for usage)\n`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (command.kind === 'version') {
    io.stdout.write(`${ADAPTER_VERSION}\n`);
    return EXIT_OK;
  }
  const { settings } = command;
  let service: RunningCvatHttpService;
  let providers: readonly string[] | undefined;
  try {
    const interactor = await createCvatInteractorFromFile(settings.modelPath, {
      predictor: {
        preset: settings.preset,
        ...(settings.boundaryRefinement === undefined ? {} : { boundaryRefinement: settings.boundaryRefinement }),
      },
      model: {
        ...(settings.threads === undefined ? {} : { intraOpNumThreads: settings.threads }),
        ...(settings.executionProviders === undefined ? {} : { executionProviders: settings.executionProviders }),
      },
      interactor: {
        replayOrder: settings.replayOrder,
        includePolygon: settings.includePolygon,
        ...(settings.maxPixels === undefined ? {} : { maxPixels: settings.maxPixels }),
        ...(settings.imageCacheBytes === undefined ? {} : { maxImageCacheBytes: settings.imageCacheBytes }),
        ...(settings.stateCacheBytes === undefined ? {} : { maxStateCacheBytes: settings.stateCacheBytes }),
      },
    });
    providers = interactor.executionProviders;
    const metadata = interactor.modelMetadata;
    if (metadata?.trained === false) {
      io.stderr.write(
        `WARNING: ${settings.modelPath} is UNTRAINED (random weights): its masks are meaningless; ` +
          'use it only to try the plumbing.\n',
      );
    }
    try {
      service = await startCvatHttpService(
        interactor,
        settings.socketPath === undefined
          ? { port: settings.port, host: settings.host }
          : { socketPath: settings.socketPath },
        {
          maxBodyBytes: settings.maxBodyBytes,
          ...(settings.quiet ? {} : { log: (line) => io.stderr.write(`${line}\n`) }),
        },
      );
    } catch (error) {
      await interactor.close();
      throw error;
    }
  } catch (error) {
    const message = error instanceof SimpleClickError || error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: ${message}\n`);
    return EXIT_FAILURE;
  }
  const asked = settings.executionProviders;
  if (asked !== undefined && providers !== undefined && providers[0] !== asked[0]) {
    // A GPU function on a host without a usable GPU: say so once, it explains the speed.
    io.stderr.write(`WARNING: asked for ${asked.join(', ')}, running on ${providers.join(', ')}\n`);
  }
  io.stdout.write(
    `simpleclick-cvat ${ADAPTER_VERSION} listening on ${service.url} (POST /, GET /health; ${providers?.join(', ') ?? 'cpu'})\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= service.close().then(() => resolve(EXIT_OK));
      return stopping;
    };
    io.onListening(service, stop, settings);
  });
}
