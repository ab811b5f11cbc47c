import { resolvePredictorOptions, type PredictorOptionsInput } from '@simpleclick/core';
import { parseBoundaryRefinementSpec } from '@simpleclick/core/internal';
import { defaultModelPath } from '@simpleclick/model-default';
import { Command } from 'commander';
import type { RegionOutput } from '../backend/backend-options';
import { parseBasicAuthPair } from '../server/basic-auth';
import type { ServeOptions } from '../server/serve';

/** A command line that cannot be used (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What the command line asks for. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'serve'; readonly options: Omit<ServeOptions, 'log'>; readonly quiet: boolean };

/** The `--help` text. */
export const HELP_TEXT = `simpleclick-labelstudio: SimpleClick as a Label Studio ML backend (smart keypoints / boxes -> masks)

usage: simpleclick-labelstudio [--model FILE.onnx] [options]

  -m, --model FILE            SimpleClick ONNX model (env SIMPLECLICK_MODEL; default: the model of
                              @simpleclick/model-default, research and non-commercial use only)
  -p, --port N                port to listen on (default 9090, env PORT)
      --host ADDR             interface (default 127.0.0.1: this machine only; 0.0.0.0 for all interfaces,
                              e.g. in a container; without --basic-auth that logs a warning)
      --ls-url URL            Label Studio URL, for /data/upload, local-files and cloud images
                              (env LABEL_STUDIO_URL or LABEL_STUDIO_HOST)
      --ls-api-key KEY        Label Studio legacy API token, sent as "Token KEY" (a JWT here is taken as a
                              personal access token; env LABEL_STUDIO_API_KEY or LABEL_STUDIO_ACCESS_TOKEN)
      --ls-access-token PAT   Label Studio personal access token, exchanged at /api/token/refresh/ for
                              short-lived "Bearer" tokens
      --local-files-root DIR  read /data/local-files/?d=... from this folder when the file is there
                              (Label Studio's LOCAL_FILES_DOCUMENT_ROOT; env LOCAL_FILES_DOCUMENT_ROOT)
      --basic-auth USER:PASS  require HTTP Basic auth (env BASIC_AUTH_USER and BASIC_AUTH_PASS)
      --allow-hosts LIST      hosts (name[:port], comma-separated) that image downloads may reach although
                              they are internal addresses; Label Studio and its redirects need no entry
                              (env SIMPLECLICK_ALLOWED_HOSTS)
      --shutdown-grace S      on SIGTERM/SIGINT, seconds open requests may take before their connections
                              are cut (default 10)
      --regions KIND          auto (default: brush if the config has BrushLabels, else polygons), brush,
                              polygon, both
      --max-vertices N        polygon vertex budget per polygon
      --polygon-epsilon PX    polygon simplification tolerance in pixels (default 1)
      --keep-clicked-components  keep only the mask components under a positive click
      --fill-holes AREA|all   fill holes of at most AREA pixels
      --remove-islands AREA   remove components of at most AREA pixels
      --preset NAME           interactive (default) or parity (flip averaging: twice the model time)
      --threshold P           mask = probability > P (default 0.49)
      --boundary-refinement SPEC
                              boundary refinement of the mask edges (a guided filter): on (the default of
                              the interactive preset), off (the official pipeline without flip), or
                              r=<px>,eps=<x>,guide=rgb|gray,s=<n> (env SIMPLECLICK_BOUNDARY_REFINEMENT)
      --threads N             onnxruntime threads (default: all cores)
      --device cpu|cuda       cuda: onnxruntime's CUDA provider (needs its CUDA build and libraries, as in
                              the GPU container), CPU when it cannot start (default cpu, env SIMPLECLICK_DEVICE)
      --max-image-pixels N    largest image accepted (default 40000000)
      --image-timeout S       seconds for one image download, redirects included (default 30)
      --max-image-mb N        largest image file downloaded (default 100)
      --image-cache-mb N      memory for decoded images (default 512)
      --state-cache-mb N      memory for click states (default 256)
      --model-version NAME    model_version reported to Label Studio (default: the model file name)
      --no-preload            load the model on the first /predict instead of at start
  -q, --quiet                 no request log
  -h, --help                  this text
      --version               the package version
`;

/**
 * Parses the command line; environment variables fill what the flags leave out.
 * @throws UsageError for unknown options, values that do not parse, no model (no `--model` and no default).
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliCommand {
  // commander, as the simpleclick command: one argument parser for the repository's three executables. It only
  // reads the flags here; USAGE is the help text and every value is checked below.
  const program = new Command('simpleclick-labelstudio')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .helpOption(false)
    .allowExcessArguments(true)
    .option('-m, --model <value>')
    .option('-p, --port <value>')
    .option('--host <value>')
    .option('--ls-url <value>')
    .option('--ls-api-key <value>')
    .option('--ls-access-token <value>')
    .option('--local-files-root <value>')
    .option('--basic-auth <value>')
    .option('--allow-hosts <value>')
    .option('--shutdown-grace <value>')
    .option('--regions <value>')
    .option('--max-vertices <value>')
    .option('--polygon-epsilon <value>')
    .option('--keep-clicked-components')
    .option('--fill-holes <value>')
    .option('--remove-islands <value>')
    .option('--preset <value>')
    .option('--threshold <value>')
    .option('--boundary-refinement <value>')
    .option('--threads <value>')
    .option('--device <value>')
    .option('--max-image-pixels <value>')
    .option('--image-timeout <value>')
    .option('--max-image-mb <value>')
    .option('--image-cache-mb <value>')
    .option('--state-cache-mb <value>')
    .option('--model-version <value>')
    .option('--no-preload')
    .option('-q, --quiet')
    .option('-h, --help')
    .option('--version');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^error: /, ''));
  }
  if (program.args.length > 0) throw new UsageError(`unexpected positional argument "${program.args[0]}"`);
  const values = program.opts<{
    model?: string;
    port?: string;
    host?: string;
    lsUrl?: string;
    lsApiKey?: string;
    lsAccessToken?: string;
    localFilesRoot?: string;
    basicAuth?: string;
    allowHosts?: string;
    shutdownGrace?: string;
    regions?: string;
    maxVertices?: string;
    polygonEpsilon?: string;
    keepClickedComponents?: boolean;
    fillHoles?: string;
    removeIslands?: string;
    preset?: string;
    threshold?: string;
    boundaryRefinement?: string;
    threads?: string;
    device?: string;
    maxImagePixels?: string;
    imageTimeout?: string;
    maxImageMb?: string;
    imageCacheMb?: string;
    stateCacheMb?: string;
    modelVersion?: string;
    preload: boolean;
    quiet?: boolean;
    help?: boolean;
    version?: boolean;
  }>();
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const model = values.model ?? nonEmpty(env.SIMPLECLICK_MODEL) ?? defaultModel();

  const regions = values.regions ?? 'auto';
  if (!['auto', 'brush', 'polygon', 'both'].includes(regions)) {
    throw new UsageError(`--regions must be auto, brush, polygon or both, got "${regions}"`);
  }
  const preset = values.preset ?? 'interactive';
  if (preset !== 'interactive' && preset !== 'parity')
    throw new UsageError(`--preset must be interactive or parity, got "${preset}"`);

  const basicAuthText =
    values.basicAuth ??
    (nonEmpty(env.BASIC_AUTH_USER) !== undefined && nonEmpty(env.BASIC_AUTH_PASS) !== undefined
      ? `${env.BASIC_AUTH_USER}:${env.BASIC_AUTH_PASS}`
      : undefined);
  let basicAuth;
  if (basicAuthText !== undefined) {
    try {
      basicAuth = parseBasicAuthPair(basicAuthText);
    } catch (error) {
      throw new UsageError(`--basic-auth: ${(error as Error).message}`);
    }
  }

  const lsUrl = values.lsUrl ?? nonEmpty(env.LABEL_STUDIO_URL) ?? nonEmpty(env.LABEL_STUDIO_HOST);
  const personalAccessToken = values.lsAccessToken;
  const apiKey =
    values.lsApiKey ??
    (personalAccessToken === undefined
      ? (nonEmpty(env.LABEL_STUDIO_API_KEY) ?? nonEmpty(env.LABEL_STUDIO_ACCESS_TOKEN))
      : undefined);
  if (values.lsApiKey !== undefined && personalAccessToken !== undefined) {
    throw new UsageError('give --ls-api-key or --ls-access-token, not both');
  }
  if ((apiKey !== undefined || personalAccessToken !== undefined) && lsUrl === undefined) {
    throw new UsageError('a Label Studio token needs --ls-url (or LABEL_STUDIO_URL) too');
  }

  const threads = optionalInteger(values.threads, '--threads', 1);
  const device = values.device ?? nonEmpty(env.SIMPLECLICK_DEVICE) ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') throw new UsageError(`--device must be cpu or cuda, got "${device}"`);
  const runtime = {
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
    ...(device === 'cuda' ? { executionProviders: ['cuda', 'cpu'], fallbackToCpu: true } : {}),
  };
  const maxVertices = optionalInteger(values.maxVertices, '--max-vertices', 3);
  const polygonEpsilon = optionalNumber(values.polygonEpsilon, '--polygon-epsilon', 0);
  const threshold = optionalNumber(values.threshold, '--threshold', 0, 1);
  const boundaryRefinement = optionalBoundaryRefinement(
    values.boundaryRefinement,
    nonEmpty(env.SIMPLECLICK_BOUNDARY_REFINEMENT),
    preset,
  );
  const fillHoles = optionalArea(values.fillHoles, '--fill-holes');
  const removeIslands = optionalArea(values.removeIslands, '--remove-islands');
  const maxImagePixels = optionalInteger(values.maxImagePixels, '--max-image-pixels', 1);
  const imageTimeoutS = optionalNumber(values.imageTimeout, '--image-timeout', 0.001);
  const maxImageMb = optionalNumber(values.maxImageMb, '--max-image-mb', 0.001);
  const imageCacheMb = optionalNumber(values.imageCacheMb, '--image-cache-mb', 0);
  const stateCacheMb = optionalNumber(values.stateCacheMb, '--state-cache-mb', 0);
  const localFilesRoot = values.localFilesRoot ?? nonEmpty(env.LOCAL_FILES_DOCUMENT_ROOT);
  const allowHostsText = values.allowHosts ?? nonEmpty(env.SIMPLECLICK_ALLOWED_HOSTS);
  const allowedHosts = allowHostsText
    ?.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const shutdownGraceS = optionalNumber(values.shutdownGrace, '--shutdown-grace', 0);
  const mib = 1024 * 1024;

  const options: Omit<ServeOptions, 'log'> = {
    model,
    port: optionalInteger(values.port ?? nonEmpty(env.PORT), '--port', 0, 65535) ?? 9090,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(basicAuth !== undefined ? { basicAuth } : {}),
    labelStudio: {
      ...(lsUrl !== undefined ? { url: lsUrl } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(personalAccessToken !== undefined ? { personalAccessToken } : {}),
    },
    ...(localFilesRoot !== undefined ? { localFilesRoot } : {}),
    ...(allowedHosts !== undefined && allowedHosts.length > 0 ? { allowedHosts } : {}),
    ...(shutdownGraceS !== undefined ? { shutdownGraceMs: Math.round(shutdownGraceS * 1000) } : {}),
    regions: regions as RegionOutput,
    polygon: {
      ...(maxVertices !== undefined ? { maxVertices } : {}),
      ...(polygonEpsilon !== undefined ? { epsilonPx: polygonEpsilon } : {}),
    },
    postProcessing: {
      keepClickedComponents: values.keepClickedComponents === true,
      ...(fillHoles !== undefined ? { fillHolesMaxAreaPx: fillHoles } : {}),
      ...(removeIslands !== undefined ? { removeIslandsMaxAreaPx: removeIslands } : {}),
    },
    predictor: {
      preset,
      ...(threshold !== undefined ? { maskThreshold: threshold } : {}),
      ...(boundaryRefinement !== undefined ? { boundaryRefinement } : {}),
    },
    ...(Object.keys(runtime).length > 0 ? { runtime } : {}),
    ...(maxImagePixels !== undefined ? { maxImagePixels } : {}),
    ...(imageTimeoutS !== undefined || maxImageMb !== undefined
      ? {
          imageFetch: {
            ...(imageTimeoutS !== undefined ? { timeoutMs: Math.round(imageTimeoutS * 1000) } : {}),
            ...(maxImageMb !== undefined ? { maxBytes: Math.round(maxImageMb * 1024 * 1024) } : {}),
          },
        }
      : {}),
    ...(imageCacheMb !== undefined ? { imageCacheBytes: Math.round(imageCacheMb * mib) } : {}),
    ...(stateCacheMb !== undefined ? { stateCacheBytes: Math.round(stateCacheMb * mib) } : {}),
    ...(values.modelVersion !== undefined ? { modelVersion: values.modelVersion } : {}),
    preloadModel: values.preload,
  };
  return { kind: 'serve', options, quiet: values.quiet === true };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function optionalNumber(text: string | undefined, name: string, min: number, max = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${name} must be a number in [${min}, ${max}], got "${text}"`);
  }
  return value;
}

function optionalInteger(
  text: string | undefined,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = optionalNumber(text, name, min, max);
  if (value !== undefined && !Number.isInteger(value))
    throw new UsageError(`${name} must be an integer, got "${text}"`);
  return value;
}

function optionalArea(text: string | undefined, name: string): number | undefined {
  if (text === 'all') return Infinity;
  return optionalNumber(text, name, 0);
}

/**
 * `--boundary-refinement SPEC`, else `SIMPLECLICK_BOUNDARY_REFINEMENT`: the core's grammar (on, off,
 * r=<px>,eps=<x>,guide=rgb|gray,s=<n>), its ranges checked here so that a bad value stops the start (a model
 * loaded on the first click would otherwise fail every click).
 */
function optionalBoundaryRefinement(
  flag: string | undefined,
  fromEnv: string | undefined,
  preset: 'interactive' | 'parity',
): PredictorOptionsInput['boundaryRefinement'] {
  const text = flag ?? fromEnv;
  if (text === undefined) return undefined;
  const name = flag !== undefined ? '--boundary-refinement' : 'SIMPLECLICK_BOUNDARY_REFINEMENT';
  try {
    const boundaryRefinement = parseBoundaryRefinementSpec(text);
    resolvePredictorOptions({ preset, boundaryRefinement });
    return boundaryRefinement;
  } catch (error) {
    throw new UsageError(`${name} "${text}": ${(error as Error).message}`);
  }
}

/** The model of `@simpleclick/model-default`, for a command line that names none. */
function defaultModel(): string {
  try {
    return defaultModelPath();
  } catch (error) {
    throw new UsageError(`--model FILE.onnx is required (or set SIMPLECLICK_MODEL): ${(error as Error).message}`);
  }
}
