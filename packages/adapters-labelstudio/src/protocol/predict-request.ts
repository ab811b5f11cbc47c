import { badRequest } from '../errors/backend-error';
import { isRecord, parseInteractiveContext, type InteractiveContext } from './interactive-context';

/** A Label Studio task as the backend receives it. */
export interface LabelStudioTask {
  /** Task id; needed to presign cloud storage URIs. */
  readonly id?: number | string;
  /** The task's data fields (`$image` in the labeling config reads `data.image`). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** The parts of a `POST /predict` body the backend uses. */
export interface PredictRequest {
  readonly tasks: readonly LabelStudioTask[];
  /** The project id (Label Studio sends `"<id>.<created timestamp>"`; this is the part before the dot). */
  readonly projectId?: string;
  /** The labeling config XML (`label_config`). */
  readonly labelConfig?: string;
  /** The interactive context; undefined for a batch pre-annotation request. */
  readonly context?: InteractiveContext;
}

/** The parts of a `POST /setup` body the backend uses. */
export interface SetupRequest {
  readonly projectId?: string;
  /** The labeling config XML (`schema`). */
  readonly labelConfig?: string;
  /** Label Studio's own URL as it knows it (`hostname`; older and some current versions send it). */
  readonly hostname?: string;
  /** The project creator's API token (`access_token`), sent with `hostname`. */
  readonly accessToken?: string;
}

/**
 * Validates a `/predict` body: `{tasks: [{id, data}], project, label_config, params: {context}}`.
 * @throws BackendError 400 naming the first field that is missing or mistyped.
 */
export function parsePredictRequest(body: unknown): PredictRequest {
  if (!isRecord(body)) throw badRequest('the /predict body must be a JSON object');
  const { tasks, label_config: labelConfig, params } = body;
  if (!Array.isArray(tasks)) throw badRequest('"tasks" must be an array of tasks');
  const parsedTasks = tasks.map((task: unknown, index: number): LabelStudioTask => {
    if (!isRecord(task)) throw badRequest(`tasks[${index}] must be an object`);
    if (!isRecord(task.data)) throw badRequest(`tasks[${index}].data must be an object`);
    const id = task.id;
    if (id !== undefined && id !== null && typeof id !== 'number' && typeof id !== 'string') {
      throw badRequest(`tasks[${index}].id must be a number or a string`);
    }
    return { data: task.data, ...(id !== undefined && id !== null ? { id } : {}) };
  });
  if (labelConfig !== undefined && labelConfig !== null && typeof labelConfig !== 'string') {
    throw badRequest('"label_config" must be a string (the labeling config XML)');
  }
  if (params !== undefined && params !== null && !isRecord(params)) throw badRequest('"params" must be an object');
  const context = parseInteractiveContext(isRecord(params) ? params.context : undefined);
  const projectId = projectIdOf(body.project);
  return {
    tasks: parsedTasks,
    ...(projectId !== undefined ? { projectId } : {}),
    ...(typeof labelConfig === 'string' && labelConfig !== '' ? { labelConfig } : {}),
    ...(context !== undefined ? { context } : {}),
  };
}

/**
 * Validates a `/setup` body: `{project, schema, hostname?, access_token?, extra_params?}`. `hostname` and
 * `access_token` are read as they come (the backend decides whether to use them); mistyped ones are ignored, as
 * Label Studio versions differ in what they send.
 * @throws BackendError 400 for a body that is not an object or a mistyped schema.
 */
export function parseSetupRequest(body: unknown): SetupRequest {
  if (!isRecord(body)) throw badRequest('the /setup body must be a JSON object');
  const schema = body.schema;
  if (schema !== undefined && schema !== null && typeof schema !== 'string') {
    throw badRequest('"schema" must be a string (the labeling config XML)');
  }
  const projectId = projectIdOf(body.project);
  const hostname = typeof body.hostname === 'string' && body.hostname.trim() !== '' ? body.hostname.trim() : undefined;
  const accessToken =
    typeof body.access_token === 'string' && body.access_token.trim() !== '' ? body.access_token.trim() : undefined;
  return {
    ...(projectId !== undefined ? { projectId } : {}),
    ...(typeof schema === 'string' && schema !== '' ? { labelConfig: schema } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(accessToken !== undefined ? { accessToken } : {}),
  };
}

function projectIdOf(project: unknown): string | undefined {
  if (typeof project === 'number' && Number.isFinite(project)) return String(project);
  if (typeof project !== 'string' || project === '') return undefined;
  return project.split('.', 1)[0];
}
