/**
 * The Label Studio embedding example: the Label Studio frontend (window.LabelStudio, loaded by index.html from
 * the @heartexlabs/label-studio 1.4.0 build) with SimpleClick attached as its smart keypoint tool, running in
 * this page. The model is the default of the server's models/ folder, loaded as the browser demo loads it, in the
 * SDK's Web Worker (`?worker=0`: on the page's thread).
 *
 * `window.simpleclickLabelStudio` exposes the parts (for the browser console and the end-to-end test).
 */
import {
  attachSimpleClick,
  type LabelStudioLike,
  type LabelStudioPluginError,
  type SimpleClickLabelStudioPlugin,
  type SuggestionEvent,
} from '@simpleclick/adapters-labelstudio/browser';
import { fetchModelManifest, loadModel, type LoadedModel } from '../../web-demo/src/model-loading';
import { INTERFACES, LABEL_CONFIG, TASK } from './labeling-setup';

/** The Label Studio frontend's constructor (its build sets `window.LabelStudio`). */
type LabelStudioConstructor = new (root: string | HTMLElement, options: Record<string, unknown>) => LabelStudioLike;

/** The AppStore methods the page calls when Label Studio has loaded. */
interface LoadedStore {
  annotationStore: {
    addAnnotation(options: { userGenerate: boolean }): { id: string };
    selectAnnotation(id: string): void;
  };
  setAutoAnnotation(on: boolean): void;
  settings: { continuousLabeling: boolean; toggleContinuousLabeling(): void };
}

/** What the page exposes on `window.simpleclickLabelStudio`. */
export interface LabelStudioExampleHandle {
  readonly labelStudio: LabelStudioLike;
  readonly plugin: SimpleClickLabelStudioPlugin;
  readonly model: LoadedModel;
  /** Every suggestion loaded, in order. */
  readonly suggestions: SuggestionEvent[];
  /** Every error reported by the plugin. */
  readonly errors: { code: string; message: string }[];
}

const statusLine = document.getElementById('status') as HTMLElement;
const errorBanner = document.getElementById('error-banner') as HTMLElement;

function showError(message: string): void {
  errorBanner.textContent = message;
  errorBanner.hidden = false;
}

async function start(): Promise<void> {
  const LabelStudio = (window as unknown as { LabelStudio?: LabelStudioConstructor }).LabelStudio;
  if (typeof LabelStudio !== 'function') throw new Error('the Label Studio frontend (ls/js/main.js) did not load');

  const manifest = await fetchModelManifest();
  const query = new URLSearchParams(location.search);
  const modelFile = query.get('model') ?? manifest?.default ?? undefined;
  if (modelFile === undefined)
    throw new Error('no model: the server lists no usable model in models/ (add ?model=<file>.onnx)');
  // The model and every click's work run in the SDK's Web Worker, so Label Studio's page stays responsive;
  // `?worker=0` runs them on the page's thread instead, to compare (same suggestions, see the README).
  const useWorker = query.get('worker') !== '0';
  const model = await loadModel(modelFile, {
    backend: 'auto',
    numThreads: undefined,
    useFlip: false,
    useWorker,
    onProgress: (message) => (statusLine.textContent = message),
  });
  const predictor = model.predictor.workerPredictor ?? model.predictor.clickPredictor;
  if (predictor === undefined) throw new Error('the model loader gave no predictor the plugin can drive');
  const untrained = model.metadata.trained === false;
  (document.getElementById('untrained-banner') as HTMLElement).hidden = !untrained;
  const modelText =
    `${model.file} (${model.metadata.variant}, ${untrained ? 'untrained' : `trained on ${model.metadata.trainingData}`}), ` +
    `${model.backend.name}${model.backend.name === 'wasm' ? ` with ${model.backend.numThreads} thread(s)` : ''}, ` +
    `in the ${model.predictor.runsIn === 'worker' ? "SDK's Web Worker" : "page's thread"}`;

  const suggestions: SuggestionEvent[] = [];
  const errors: { code: string; message: string }[] = [];
  const labelStudio = new LabelStudio('label-studio', {
    config: LABEL_CONFIG,
    interfaces: [...INTERFACES],
    user: { pk: 1, firstName: 'Annotator', lastName: '' },
    task: structuredClone(TASK),
    // No server to save to: Submit and Update print the annotation's results (brush RLE included).
    onSubmitAnnotation: (_store: unknown, annotation: { serializeAnnotation(): unknown[] }) =>
      console.log('Label Studio annotation (submitted):', annotation.serializeAnnotation()),
    onUpdateAnnotation: (_store: unknown, annotation: { serializeAnnotation(): unknown[] }) =>
      console.log('Label Studio annotation (updated):', annotation.serializeAnnotation()),
    onLabelStudioLoad: (store: LoadedStore) => {
      const annotation = store.annotationStore.addAnnotation({ userGenerate: true });
      store.annotationStore.selectAnnotation(annotation.id);
      store.setAutoAnnotation(true); // shows the auto-accept switch; the smart tool is smartOnly in the config
      // "Keep label selected after creating a region": else each click unselects the label, and the next
      // click with the smart tool does nothing until the label is picked again.
      if (!store.settings.continuousLabeling) store.settings.toggleContinuousLabeling();
    },
  });
  const plugin = attachSimpleClick(labelStudio, {
    predictor,
    ownsPredictor: true,
    onBusy: (busy) => {
      document.body.dataset.busy = String(busy);
      if (busy) statusLine.textContent = `${modelText}: running...`;
    },
    onSuggestion: (event) => {
      suggestions.push(event);
      errorBanner.hidden = true;
      const clicks = event.clicks.length;
      statusLine.textContent =
        `${modelText}: ${clicks} click${clicks === 1 ? '' : 's'} (${event.label}), ${event.results.length} region(s), ` +
        `${Math.round(event.elapsedMs)} ms, ${event.modelRuns} model run(s)`;
    },
    onError: (error: LabelStudioPluginError) => {
      errors.push({ code: error.code, message: error.message });
      showError(`SimpleClick: ${error.message} (${error.code})`);
    },
  });
  const handle: LabelStudioExampleHandle = { labelStudio, plugin, model, suggestions, errors };
  Object.assign(window, { simpleclickLabelStudio: handle });
  statusLine.textContent = `${modelText}: ready. Pick a label, then click on the image.`;
  document.body.dataset.state = 'ready';
}

start().catch((error: unknown) => {
  document.body.dataset.state = 'error';
  statusLine.textContent = 'Not started.';
  showError(error instanceof Error ? error.message : String(error));
  console.error(error);
});
