import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { readModelMetadata as readOnnxModelMetadata, type ModelMetadata } from '@simpleclick/core';
import { readRegularFile } from '@simpleclick/core/internal';
import { DEFAULT_MODEL_FILE_NAME, MODEL_DIRECTORY, defaultModelPath } from '@simpleclick/model-default';
import { CommandError } from '../cli-errors';
import { findModelsDirectory, onnxFilesIn } from './repository-paths';

/** The model file a command will load, and how it was chosen. */
export interface ResolvedModel {
  /** Absolute path of the .onnx file. */
  readonly path: string;
  /** Path to show people: as typed, or the default's file name (relative to the models folder when one is set). */
  readonly displayName: string;
  /** True when no `--model` was given and the embedded default was picked. */
  readonly isDefault: boolean;
}

/** Files larger than this are not opened while looking for the default (the embedded models are < 60 MB). */
const MAX_DEFAULT_CANDIDATE_BYTES = 200 * 1024 * 1024;

/**
 * The model of `--model`, or the default when it is absent.
 *
 * The default is the model of the `@simpleclick/model-default` package (a dependency of this one), or, when
 * `$SIMPLECLICK_MODELS_DIR` names a folder, the best `.onnx` file of that folder by its metadata: a trained model
 * first (`simpleclick.trained` = "true"), else an untrained one; ties go to the smaller file, then to the name.
 *
 * A given path is taken relative to the working directory; when no such file exists there, a bare file name or
 * `models/<name>` is also looked up in the models folder (`$SIMPLECLICK_MODELS_DIR`, else the default model's
 * folder), so `--model simpleclick-xtiny-narrow-finetuned-384-fp16.onnx` works from any directory.
 *
 * @throws CommandError when the file does not exist or no model can be found.
 */
export async function resolveModel(
  modelOption: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ResolvedModel> {
  const modelsDirectoryOverride = findModelsDirectory(env, cwd);
  const modelsDirectory = modelsDirectoryOverride ?? MODEL_DIRECTORY;
  if (modelOption !== undefined) {
    const fromCwd = resolve(cwd, modelOption);
    if (await isFile(fromCwd)) return { path: fromCwd, displayName: modelOption, isDefault: false };
    if (modelsDirectory !== undefined) {
      const fromModels = join(modelsDirectory, basename(modelOption));
      const looksLikeEmbedded = !modelOption.includes('/') || /^(\.\/)?models\/[^/]+$/.test(modelOption);
      if (looksLikeEmbedded && (await isFile(fromModels))) {
        return { path: fromModels, displayName: modelOption, isDefault: false };
      }
    }
    const available = onnxFilesIn(modelsDirectory);
    const hint = available.length > 0 ? ` (embedded models in ${modelsDirectory}: ${available.join(', ')})` : '';
    throw new CommandError(`model file not found: ${modelOption}${hint}`);
  }
  if (modelsDirectoryOverride === undefined) {
    try {
      return { path: defaultModelPath(), displayName: DEFAULT_MODEL_FILE_NAME, isDefault: true };
    } catch (cause) {
      throw new CommandError(`${(cause as Error).message} Or pass --model FILE.onnx.`, { cause });
    }
  }
  const path = await pickDefaultModel(modelsDirectoryOverride);
  return { path, displayName: `models/${basename(path)}`, isDefault: true };
}

async function pickDefaultModel(modelsDirectory: string): Promise<string> {
  const candidates: { path: string; sizeBytes: number; trained: boolean }[] = [];
  for (const name of onnxFilesIn(modelsDirectory)) {
    const path = join(modelsDirectory, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.size > MAX_DEFAULT_CANDIDATE_BYTES) continue;
    const metadata = await readModelMetadata(path).catch(() => undefined);
    if (metadata === undefined) continue; // not a SimpleClick export: never a default
    candidates.push({ path, sizeBytes: info.size, trained: metadata.trained === true });
  }
  if (candidates.length === 0) {
    throw new CommandError(`no SimpleClick model in ${modelsDirectory}: pass --model FILE.onnx`);
  }
  candidates.sort(
    (a, b) => Number(b.trained) - Number(a.trained) || a.sizeBytes - b.sizeBytes || (a.path < b.path ? -1 : 1),
  );
  return candidates[0].path;
}

/**
 * The SimpleClick metadata of an ONNX file, read without creating a runtime session.
 * @throws the SDK's ModelLoadError / ModelContractError, or a CommandError when the file cannot be read.
 */
async function readModelMetadata(path: string): Promise<ModelMetadata> {
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, MAX_DEFAULT_CANDIDATE_BYTES);
  } catch (cause) {
    throw new CommandError(`cannot read the model file ${path}: ${(cause as Error).message}`, { cause });
  }
  return readOnnxModelMetadata(bytes);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
