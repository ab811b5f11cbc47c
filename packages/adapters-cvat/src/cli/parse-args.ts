import { InvalidArgumentError, type PredictorOptionsInput, type PredictorPreset } from '@simpleclick/core';
import { defaultModelPath } from '@simpleclick/model-default';
import { Command } from 'commander';
import type { ReplayOrder } from '../interactor/click-order';
import { interactorSettingsFromEnv, parseBoundaryRefinementOption } from '../nuclio/env-settings';
import { DEFAULT_SERVICE_PORT } from '../service-port';

/** What `simpleclick-cvat` was asked to do. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly settings: ServeSettings };

/** Settings of the HTTP service, from the command line. */
export interface ServeSettings {
  readonly modelPath: string;
  readonly port: number;
  readonly host: string;
  /** Listen on this Unix socket instead of `host:port` (the nuclio function's in-container service). */
  readonly socketPath?: string;
  readonly imageCacheBytes?: number;
  readonly stateCacheBytes?: number;
  readonly preset: PredictorPreset;
  /** Boundary refinement (`--boundary-refinement`, SIMPLECLICK_BOUNDARY_REFINEMENT); left out: the preset's. */
  readonly boundaryRefinement?: PredictorOptionsInput['boundaryRefinement'];
  readonly threads?: number;
  /** onnxruntime-node execution providers in order (SIMPLECLICK_EXECUTION_PROVIDERS), default CPU. */
  readonly executionProviders?: readonly string[];
  readonly replayOrder: ReplayOrder;
  readonly maxBodyBytes: number;
  readonly maxPixels?: number;
  readonly includePolygon: boolean;
  readonly quiet: boolean;
  /** Stop when standard input closes: the nuclio handler that started the service is gone. */
  readonly stopWithStdin: boolean;
}

/** Defaults of the command line. */
const DEFAULT_SERVE_SETTINGS = Object.freeze({
  port: DEFAULT_SERVICE_PORT,
  host: '127.0.0.1',
  preset: 'interactive',
  replayOrder: 'interleave',
  maxBodyMb: 64,
});

export const USAGE = `Usage: simpleclick-cvat [--model FILE.onnx] [options]

SimpleClick as a CVAT interactor over HTTP: POST / takes CVAT's interactor request
({image, pos_points, neg_points, threshold?}) and answers {mask, bounds, points};
GET /health describes the model.

Options:
  --model FILE         SimpleClick ONNX model (or set SIMPLECLICK_MODEL; default: the model of
                       @simpleclick/model-default, research and non-commercial use only)
  --port N             port to listen on (default ${DEFAULT_SERVE_SETTINGS.port}; 0 = any free port)
  --host ADDRESS       address to listen on (default ${DEFAULT_SERVE_SETTINGS.host}; 0.0.0.0 inside a container)
  --socket PATH        listen on a Unix socket instead of --host/--port
  --preset NAME        interactive (default: official pipeline, no flip) or parity (flip averaging)
  --boundary-refinement SPEC
                       boundary refinement of the mask edges (a guided filter): on (the default of the
                       interactive preset), off (the official pipeline without flip), or
                       r=<px>,eps=<x>,guide=rgb|gray,s=<n> (any subset; the rest from the defaults)
  --threads N          onnxruntime threads (default: all cores)
  --replay-order NAME  interleave (default) or positives-first: order of clicks CVAT sent together
  --max-body-mb N      largest request body in MiB (default ${DEFAULT_SERVE_SETTINGS.maxBodyMb})
  --max-pixels N       largest frame, width * height (default 50000000)
  --no-polygon         answer without "points" (CVAT then traces the mask in the browser)
  --quiet              no request log on stderr
  --stop-with-stdin    stop when standard input closes (the process that started the service is gone)
  -h, --help           this help
  --version            the package version

Environment (defaults for the options above; a bad value is a startup error):
  SIMPLECLICK_MODEL, SIMPLECLICK_PRESET, SIMPLECLICK_THREADS, SIMPLECLICK_REPLAY_ORDER,
  SIMPLECLICK_MAX_PIXELS, SIMPLECLICK_IMAGE_CACHE_MB, SIMPLECLICK_STATE_CACHE_MB,
  SIMPLECLICK_EXECUTION_PROVIDERS (e.g. cuda,cpu), SIMPLECLICK_BOUNDARY_REFINEMENT
`;

/**
 * Parses the arguments of `simpleclick-cvat` (without `node` and the script).
 * @throws InvalidArgumentError with a message for the user (unknown option, no model and no default, bad number).
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  // commander, as the simpleclick command: one argument parser for the repository's three executables. It only
  // reads the flags here; USAGE is the help text and every value is checked below.
  const program = new Command('simpleclick-cvat')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .helpOption(false)
    .allowExcessArguments(true)
    .option('--model <file>')
    .option('--port <n>')
    .option('--host <address>')
    .option('--socket <path>')
    .option('--preset <name>')
    .option('--boundary-refinement <spec>')
    .option('--threads <n>')
    .option('--replay-order <name>')
    .option('--max-body-mb <n>')
    .option('--max-pixels <n>')
    .option('--no-polygon')
    .option('--quiet')
    .option('--stop-with-stdin')
    .option('-h, --help')
    .option('--version');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (cause) {
    throw new InvalidArgumentError((cause as Error).message.replace(/^error: /, ''), { cause });
  }
  if (program.args.length > 0) throw new InvalidArgumentError(`unexpected positional argument "${program.args[0]}"`);
  const values = program.opts<{
    model?: string;
    port?: string;
    host?: string;
    socket?: string;
    preset?: string;
    boundaryRefinement?: string;
    threads?: string;
    replayOrder?: string;
    maxBodyMb?: string;
    maxPixels?: string;
    polygon: boolean;
    quiet?: boolean;
    stopWithStdin?: boolean;
    help?: boolean;
    version?: boolean;
  }>();
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const modelPath = values.model ?? (env.SIMPLECLICK_MODEL || defaultModel());
  if (modelPath === '') throw new InvalidArgumentError('--model must name a file');
  // The SIMPLECLICK_* settings are checked here, before anything loads: a bad value stops the start.
  const fromEnv = interactorSettingsFromEnv(env).options;
  const envThreads = fromEnv.model?.intraOpNumThreads;
  const envInteractor = fromEnv.interactor ?? {};
  const socketPath = values.socket;
  if (socketPath !== undefined && (socketPath === '' || values.port !== undefined || values.host !== undefined)) {
    throw new InvalidArgumentError('--socket PATH takes the place of --host and --port');
  }
  const preset = values.preset ?? fromEnv.predictor?.preset ?? DEFAULT_SERVE_SETTINGS.preset;
  if (preset !== 'interactive' && preset !== 'parity') {
    throw new InvalidArgumentError(`--preset must be interactive or parity, got "${preset}"`);
  }
  // The flag replaces the variable (which interactorSettingsFromEnv checked); the ranges do not depend on the preset.
  const boundaryRefinement =
    values.boundaryRefinement === undefined
      ? fromEnv.predictor?.boundaryRefinement
      : parseBoundaryRefinementOption(values.boundaryRefinement, '--boundary-refinement', preset);
  const replayOrder = values.replayOrder ?? envInteractor.replayOrder ?? DEFAULT_SERVE_SETTINGS.replayOrder;
  if (replayOrder !== 'interleave' && replayOrder !== 'positives-first') {
    throw new InvalidArgumentError(`--replay-order must be interleave or positives-first, got "${replayOrder}"`);
  }
  const port = integerOption(values.port, '--port', 0, 65535) ?? DEFAULT_SERVE_SETTINGS.port;
  const threads = integerOption(values.threads, '--threads', 1, 1024) ?? envThreads;
  const maxBodyMb = numberOption(values.maxBodyMb, '--max-body-mb') ?? DEFAULT_SERVE_SETTINGS.maxBodyMb;
  const maxPixels =
    integerOption(values.maxPixels, '--max-pixels', 1, Number.MAX_SAFE_INTEGER) ?? envInteractor.maxPixels;
  return {
    kind: 'serve',
    settings: {
      modelPath,
      port,
      host: values.host ?? DEFAULT_SERVE_SETTINGS.host,
      ...(socketPath === undefined ? {} : { socketPath }),
      ...(envInteractor.maxImageCacheBytes === undefined ? {} : { imageCacheBytes: envInteractor.maxImageCacheBytes }),
      ...(envInteractor.maxStateCacheBytes === undefined ? {} : { stateCacheBytes: envInteractor.maxStateCacheBytes }),
      preset,
      ...(boundaryRefinement === undefined ? {} : { boundaryRefinement }),
      ...(threads === undefined ? {} : { threads }),
      ...(fromEnv.model?.executionProviders === undefined
        ? {}
        : { executionProviders: fromEnv.model.executionProviders }),
      replayOrder,
      maxBodyBytes: Math.floor(maxBodyMb * 1024 * 1024),
      ...(maxPixels === undefined ? {} : { maxPixels }),
      includePolygon: values.polygon,
      quiet: values.quiet === true,
      stopWithStdin: values.stopWithStdin === true,
    },
  };
}

function integerOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function numberOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError(`${name} must be a number > 0, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** The model of `@simpleclick/model-default`, for a command line that names none. */
function defaultModel(): string {
  try {
    return defaultModelPath();
  } catch (cause) {
    throw new InvalidArgumentError(
      `--model FILE.onnx is required (or set SIMPLECLICK_MODEL): ${(cause as Error).message}`,
      { cause },
    );
  }
}
