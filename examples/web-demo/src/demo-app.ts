import { decodeMaskPng } from '@simpleclick/core/formats';
import {
  SimpleClickError,
  type BinaryMask,
  type SessionState,
  type WorkerPredictionEvent,
} from '@simpleclick/core/web';
import { CanvasView } from './canvas-view';
import type { DemoConfig } from './demo-config';
import type { DemoSession } from './demo-session';
import {
  EXAMPLE_GROUND_TRUTH_URL,
  EXAMPLE_IMAGE_URL,
  loadImageFromBlob,
  loadImageFromUrl,
  readBytes,
  type LoadedImage,
} from './image-loading';
import {
  cocoFile,
  downloadFile,
  labelStudioFile,
  maskPngFile,
  nonEmptyObjects,
  polygonsFile,
  type ObjectMask,
} from './mask-exports';
import { fetchModelManifest, loadModel, type LoadedModel, type ModelManifest } from './model-loading';
import { renderObjectList } from './object-list-view';
import type { PageElements } from './page-elements';
import { statusText, type LastRun } from './status-text';
import { StudyLog } from './study-log';
import { renderStudy } from './study-view';

/**
 * The demo page: one model (loaded at start, in the SDK's Web Worker unless `?worker=0`), one image at a time
 * with its session, the controls wired to the session, and the study log. Every change of the session is drawn
 * from its `change` event, so the view always shows the session's state (whatever order clicks, undos and
 * threshold moves come in).
 */
export class DemoApp {
  readonly #page: PageElements;
  readonly #config: DemoConfig;
  readonly #view: CanvasView;
  #model: LoadedModel | undefined;
  #image: LoadedImage | undefined;
  #isExampleImage = false;
  #session: DemoSession | undefined;
  #sessionCount = 0;
  #state: SessionState | undefined;
  /** The mask area of `#state`'s current object (counted once per drawn state). */
  #currentAreaPx: number | undefined;
  #lastRun: LastRun | undefined;
  #negativeMode = false;
  #study: StudyLog | undefined;
  #imageLoads = 0;
  /** Renders started; a render whose label map arrives after a newer one started is dropped. */
  #renders = 0;

  constructor(page: PageElements, config: DemoConfig) {
    this.#page = page;
    this.#config = config;
    this.#view = new CanvasView(page);
    this.#wireControls();
  }

  /** What tests and the browser console can look at (`window.simpleclickDemo`). */
  get debug() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the returned object's getters have their own `this`.
    const app = this;
    return {
      get session() {
        return app.#session;
      },
      get state() {
        return app.#state;
      },
      get model() {
        return app.#model;
      },
      get image() {
        return app.#image;
      },
      get study() {
        return app.#study;
      },
    };
  }

  /** Loads the model, then the example image (unless `?image=none`). */
  async start(): Promise<void> {
    const page = this.#page;
    const config = this.#config;
    const manifest = await fetchModelManifest();
    const file = config.modelFile ?? manifest?.default ?? undefined;
    this.#fillModelSelect(manifest, file);
    if (config.loadExampleImage) {
      // The image shows while the model loads; clicks wait until it is ready.
      void this.#loadImage(() => loadImageFromUrl(EXAMPLE_IMAGE_URL), true);
    }
    if (file === undefined) {
      page.body.dataset.modelState = 'error';
      this.#showError('No model: the server lists none in models/manifest.json. Add ?model=<file>.onnx to the URL.');
      return;
    }
    try {
      this.#setStatus(`Loading model ${file}...`);
      this.#model = await loadModel(file, {
        backend: config.backend,
        numThreads: config.numThreads,
        useFlip: config.useFlip,
        useWorker: config.useWorker,
        onProgress: (message) => this.#setStatus(message),
      });
    } catch (error) {
      page.body.dataset.modelState = 'error';
      this.#showError(`Cannot load the model ${file}: ${messageOf(error)}`);
      this.#setStatus('No model loaded.');
      return;
    }
    const { metadata } = this.#model;
    if (metadata.trained === false) {
      page.untrainedText.textContent =
        `${file} has random weights (its metadata says simpleclick.trained = false): its masks are meaningless and ` +
        'only show that the pipeline runs end to end. Pick a trained model above when the models/ folder has one.';
      page.untrainedBanner.hidden = false;
    }
    page.thresholdSlider.value = String(this.#model.predictor.options.maskThreshold);
    page.thresholdValue.value = this.#model.predictor.options.maskThreshold.toFixed(2);
    if (config.warmUp) {
      this.#setStatus('Warming up the model (one run, so the first click is not slowed by compilation)...');
      await this.#warmUp();
    }
    page.body.dataset.modelState = 'ready';
    await this.#openSession();
    this.#renderStatus();
  }

  // ----- model and image -----

  #fillModelSelect(manifest: ModelManifest | undefined, selected: string | undefined): void {
    const select = this.#page.modelSelect;
    const files = new Set(manifest?.models.map((model) => model.file) ?? []);
    if (selected !== undefined) files.add(selected);
    select.replaceChildren();
    for (const file of [...files].sort()) {
      const entry = manifest?.models.find((model) => model.file === file);
      const option = document.createElement('option');
      option.value = file;
      let description = '';
      if (entry?.error) description = ' (unusable)';
      else if (entry?.trained === false) description = ` (${entry.variant}, UNTRAINED)`;
      else if (entry?.trained) description = ` (${entry.variant}, ${entry.trainingData})`;
      option.textContent = `${file}${description}${file === manifest?.default ? ' [default]' : ''}`;
      option.selected = file === selected;
      select.append(option);
    }
    select.disabled = files.size < 2;
  }

  async #warmUp(): Promise<void> {
    try {
      await this.#model!.predictor.warmUp();
    } catch (error) {
      this.#showError(`The warm-up run failed: ${messageOf(error)}`);
    }
  }

  async #loadImage(load: () => Promise<LoadedImage>, isExample: boolean): Promise<void> {
    const loadNumber = ++this.#imageLoads;
    let image: LoadedImage;
    try {
      image = await load();
    } catch (error) {
      this.#showError(messageOf(error));
      return;
    }
    if (loadNumber !== this.#imageLoads) return; // a later load won
    this.#image?.bitmap.close();
    this.#image = image;
    this.#isExampleImage = isExample;
    this.#study = undefined;
    this.#page.groundTruthExampleButton.hidden = !isExample;
    this.#page.stage.hidden = false;
    this.#page.body.dataset.imageName = image.name;
    // The session opens while a large image's scaled copy is being made.
    this.#view
      .showImage(image.bitmap)
      .catch((error: unknown) => this.#showError(`Cannot show the image: ${messageOf(error)}`));
    this.#renderStudy();
    if (this.#model !== undefined) await this.#openSession();
  }

  /** A new session for the current image (the old one is closed; the predictor is shared). */
  async #openSession(): Promise<void> {
    const image = this.#image;
    const model = this.#model;
    if (image === undefined || model === undefined) return;
    const previous = this.#session;
    this.#session = undefined;
    this.#state = undefined;
    this.#currentAreaPx = undefined;
    this.#lastRun = undefined;
    if (previous !== undefined) await previous.close();
    const threshold = Number(this.#page.thresholdSlider.value);
    const session = await model.predictor.createSession(image, threshold);
    this.#session = session;
    this.#sessionCount += 1;
    this.#page.body.dataset.session = String(this.#sessionCount);
    session.on('prediction', (event) => this.#onPrediction(event));
    session.on('change', (event) => {
      if (session !== this.#session) return;
      void this.#render(event.state);
    });
    session.on('error', (event) => {
      if (event.operation !== 'listener') return; // operation errors reach their caller (#run)
      this.#showError(`A display update failed: ${messageOf(event.error)}`);
    });
    await this.#render(session.getState());
  }

  #onPrediction(event: WorkerPredictionEvent): void {
    if (this.#session === undefined) return;
    if (event.cause === 'click') this.#lastRun = { timing: event.timing, clickCount: event.clicks.length };
    if (this.#study !== undefined) {
      this.#study.record(event);
      this.#renderStudy();
    }
  }

  // ----- session operations -----

  /** Runs a session operation, marking the page busy meanwhile and showing its error, if any. */
  #run(operation: (session: DemoSession) => Promise<unknown>): void {
    const session = this.#session;
    if (session === undefined) {
      this.#showError(this.#model === undefined ? 'The model is not loaded yet.' : 'Open an image first.');
      return;
    }
    const done = () => {
      if (session === this.#session) this.#setBusy(session.pendingOperations > 0);
      this.#renderStatus();
    };
    let promise: Promise<unknown>;
    try {
      promise = operation(session);
    } catch (error) {
      this.#showError(messageOf(error));
      return;
    }
    this.#setBusy(true);
    this.#renderStatus();
    promise.then(done, (error: unknown) => {
      if (session === this.#session && !session.isClosed) this.#showError(messageOf(error));
      done();
    });
  }

  #addClick(xPx: number, yPx: number, isPositive: boolean): void {
    this.#run((session) => session.addClick({ xPx, yPx, isPositive }));
  }

  async #exportObjects(): Promise<ObjectMask[]> {
    const session = this.#session;
    if (session === undefined || this.#state === undefined) return [];
    const ids = this.#state.objects.map(({ id }) => id);
    return nonEmptyObjects(await Promise.all(ids.map(async (id) => ({ id, mask: await session.getMask(id) }))));
  }

  async #importMask(file: Blob, name: string): Promise<void> {
    const image = this.#image;
    if (image === undefined || this.#session === undefined) {
      this.#showError('Open an image (and wait for the model) before importing a mask.');
      return;
    }
    let mask: BinaryMask;
    try {
      mask = decodeMaskPng(await readBytes(file));
    } catch (error) {
      this.#showError(`Cannot read "${name}" as a mask PNG: ${messageOf(error)}`);
      return;
    }
    if (mask.width !== image.width || mask.height !== image.height) {
      this.#showError(`"${name}" is ${mask.width} x ${mask.height}; the image is ${image.width} x ${image.height}.`);
      return;
    }
    this.#run((session) => session.importMask(mask));
  }

  async #loadGroundTruth(source: Blob | string, name: string): Promise<void> {
    const image = this.#image;
    if (image === undefined) {
      this.#showError('Open an image before loading its ground truth.');
      return;
    }
    let mask: BinaryMask;
    try {
      mask = decodeMaskPng(await readBytes(source));
    } catch (error) {
      this.#showError(`Cannot read "${name}" as a mask PNG: ${messageOf(error)}`);
      return;
    }
    if (mask.width !== image.width || mask.height !== image.height) {
      const { width, height } = image;
      this.#showError(
        `The ground truth "${name}" is ${mask.width} x ${mask.height}; the image is ${width} x ${height}.`,
      );
      return;
    }
    this.#study = new StudyLog(mask, name);
    this.#renderStudy();
  }

  #exportStudy(): void {
    const study = this.#study;
    const image = this.#image;
    if (study === undefined || image === undefined) return;
    const model = this.#model;
    const context = {
      model: model?.file ?? null,
      variant: model?.metadata.variant ?? null,
      trained: model?.metadata.trained ?? null,
      trainingData: model?.metadata.trainingData ?? null,
      backend: model?.backend.name ?? null,
      numThreads: model?.backend.numThreads ?? null,
      crossOriginIsolated: model?.backend.crossOriginIsolated ?? null,
      useFlip: model?.predictor.options.useFlip ?? null,
      runsIn: model?.predictor.runsIn ?? null,
      threshold: this.#state?.threshold ?? null,
      userAgent: navigator.userAgent,
    };
    const json = study.toJson({ name: image.name, width: image.width, height: image.height }, context);
    const stem = image.name.replace(/\.[^.]*$/, '') || 'image';
    downloadFile({
      fileName: `${stem}-study-log.json`,
      mimeType: 'application/json',
      content: `${JSON.stringify(json, null, 2)}\n`,
    });
  }

  // ----- controls -----

  #wireControls(): void {
    const page = this.#page;
    page.modelSelect.addEventListener('change', () => {
      const query = new URLSearchParams(location.search);
      query.set('model', page.modelSelect.value);
      location.search = query.toString();
    });

    page.imageInput.addEventListener('change', () => {
      const file = page.imageInput.files?.[0];
      page.imageInput.value = '';
      if (file !== undefined) void this.#loadImage(() => loadImageFromBlob(file, file.name), false);
    });
    page.exampleButton.addEventListener(
      'click',
      () => void this.#loadImage(() => loadImageFromUrl(EXAMPLE_IMAGE_URL), true),
    );
    page.dropZone.addEventListener('dragover', (event) => {
      event.preventDefault();
      page.dropZone.classList.add('dragging');
    });
    page.dropZone.addEventListener('dragleave', () => page.dropZone.classList.remove('dragging'));
    page.dropZone.addEventListener('drop', (event) => {
      event.preventDefault();
      page.dropZone.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (file !== undefined) void this.#loadImage(() => loadImageFromBlob(file, file.name), false);
    });

    // Clicks: left = the selected mode (positive by default); right, Alt+ or Shift+ = negative.
    page.clickLayer.addEventListener('click', (event) => {
      const pixel = this.#view.imagePixelAt(event);
      if (pixel === undefined) return;
      const isNegative = this.#negativeMode || event.altKey || event.shiftKey;
      this.#addClick(pixel.xPx, pixel.yPx, !isNegative);
    });
    page.clickLayer.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      const pixel = this.#view.imagePixelAt(event);
      if (pixel !== undefined) this.#addClick(pixel.xPx, pixel.yPx, false);
    });
    page.modePositive.addEventListener('click', () => this.#setNegativeMode(false));
    page.modeNegative.addEventListener('click', () => this.#setNegativeMode(true));

    page.undoButton.addEventListener('click', () => this.#run((session) => session.undo()));
    page.redoButton.addEventListener('click', () => this.#run((session) => session.redo()));
    page.resetButton.addEventListener('click', () => this.#run((session) => session.reset()));
    page.finishButton.addEventListener('click', () => this.#run((session) => session.finishObject()));
    page.maskInput.addEventListener('change', () => {
      const file = page.maskInput.files?.[0];
      page.maskInput.value = '';
      if (file !== undefined) void this.#importMask(file, file.name);
    });

    page.thresholdSlider.addEventListener('input', () => {
      const threshold = Number(page.thresholdSlider.value);
      page.thresholdValue.value = threshold.toFixed(2);
      if (this.#session !== undefined) this.#run((session) => session.setThreshold(threshold));
    });
    page.opacitySlider.addEventListener('input', () => {
      page.opacityValue.value = `${page.opacitySlider.value}%`;
      page.maskCanvas.style.opacity = String(Number(page.opacitySlider.value) / 100);
    });

    page.exportPng.addEventListener('click', () => {
      const session = this.#session;
      const image = this.#image;
      const state = this.#state;
      if (session === undefined || image === undefined || state === undefined) return;
      this.#export(async () => maskPngFile(image.name, { id: state.currentObjectId, mask: await session.getMask() }));
    });
    page.exportPolygons.addEventListener('click', () => {
      const image = this.#image;
      if (image === undefined) return;
      const epsilonPx = Math.max(0, Number(page.polygonEpsilon.value) || 0);
      this.#export(async () =>
        polygonsFile(image.name, image.width, image.height, await this.#exportObjects(), epsilonPx),
      );
    });
    page.exportCoco.addEventListener('click', () => {
      const image = this.#image;
      if (image !== undefined)
        this.#export(async () => cocoFile(image.name, image.width, image.height, await this.#exportObjects()));
    });
    page.exportLabelStudio.addEventListener('click', () => {
      const image = this.#image;
      if (image === undefined) return;
      const modelVersion = this.#model === undefined ? 'simpleclick' : this.#model.file.replace(/\.onnx$/, '');
      this.#export(async () =>
        labelStudioFile(image.name, image.width, image.height, await this.#exportObjects(), modelVersion),
      );
    });

    page.groundTruthInput.addEventListener('change', () => {
      const file = page.groundTruthInput.files?.[0];
      page.groundTruthInput.value = '';
      if (file !== undefined) void this.#loadGroundTruth(file, file.name);
    });
    page.groundTruthExampleButton.addEventListener('click', () => {
      if (this.#isExampleImage) void this.#loadGroundTruth(EXAMPLE_GROUND_TRUTH_URL, 'fruit-mask.png');
    });
    page.studyRestart.addEventListener('click', () => {
      const study = this.#study;
      if (study === undefined) return;
      // Back to the object's start first, then clear the log, so the reset is not logged as an operation.
      this.#run(async (session) => {
        await session.reset();
        study.restart();
        this.#renderStudy();
      });
    });
    page.studyExport.addEventListener('click', () => this.#exportStudy());
    page.studyStop.addEventListener('click', () => {
      this.#study = undefined;
      this.#renderStudy();
    });

    document.addEventListener('keydown', (event) => this.#onKey(event));
  }

  #onKey(event: KeyboardEvent): void {
    const target = event.target;
    const typing =
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLInputElement && target.type !== 'range' && target.type !== 'file');
    if (typing) return;
    const command = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (command && key === 'z') {
      event.preventDefault();
      this.#run((session) => (event.shiftKey ? session.redo() : session.undo()));
    } else if (command && key === 'y') {
      event.preventDefault();
      this.#run((session) => session.redo());
    } else if (!command && !event.altKey && key === 'n') {
      this.#setNegativeMode(!this.#negativeMode);
    } else if (!command && key === 'enter' && !(target instanceof HTMLButtonElement)) {
      event.preventDefault();
      this.#run((session) => session.finishObject());
    }
  }

  #setNegativeMode(isNegative: boolean): void {
    this.#negativeMode = isNegative;
    this.#page.modePositive.setAttribute('aria-checked', String(!isNegative));
    this.#page.modeNegative.setAttribute('aria-checked', String(isNegative));
    this.#page.body.classList.toggle('negative-mode', isNegative);
  }

  // ----- drawing -----

  /**
   * Draws a state. The label map of every object comes from the session (built in the worker, moved here);
   * `data-revision` is set once the masks are drawn, so whoever waits for a revision sees its drawing.
   */
  async #render(state: SessionState): Promise<void> {
    const page = this.#page;
    const session = this.#session;
    if (session === undefined) return;
    const render = ++this.#renders;
    let labels;
    let currentArea: number;
    try {
      // Both read in the worker, from the same state: the page counts no 12-megapixel mask.
      const [labelMap, outputs] = await Promise.all([session.getLabelMap(), session.getObjectOutputs(undefined, {})]);
      labels = labelMap;
      currentArea = outputs.areaPx;
    } catch (error) {
      if (session === this.#session && !session.isClosed)
        this.#showError(`A display update failed: ${messageOf(error)}`);
      return;
    }
    if (render !== this.#renders || session !== this.#session) return; // a newer state is being drawn
    // The masks are drawn in two short tasks (see MaskOverlay.draw); a state that arrives meanwhile takes over.
    await this.#view.drawMasks(labels, state.currentObjectId);
    if (render !== this.#renders || session !== this.#session) return;
    this.#state = state;
    page.errorBanner.hidden = true;
    this.#view.drawClicks(state.objects, state.currentObjectId);
    const current = state.objects.find((object) => object.id === state.currentObjectId);
    const hasContent = current !== undefined && (current.clicks.length > 0 || current.startedFromMask);
    page.undoButton.disabled = !state.canUndo;
    page.redoButton.disabled = !state.canRedo;
    page.resetButton.disabled = !hasContent;
    page.finishButton.disabled = !hasContent;
    this.#currentAreaPx = currentArea;
    page.exportPng.disabled = currentArea === 0;
    const anyMask = state.objects.some((object) => object.clicks.length > 0 || object.startedFromMask);
    for (const button of [page.exportPolygons, page.exportCoco, page.exportLabelStudio]) button.disabled = !anyMask;
    renderObjectList(page.objectList, state, {
      select: (id) => this.#run((s) => s.selectObject(id)),
      remove: (id) => this.#run((s) => s.deleteObject(id)),
    });
    page.body.dataset.revision = String(state.revision);
    this.#renderStatus();
  }

  /** Builds an export (its masks come from the session, asynchronously) and downloads it. */
  #export(build: () => Promise<Parameters<typeof downloadFile>[0]>): void {
    build().then(downloadFile, (error: unknown) => this.#showError(`The export failed: ${messageOf(error)}`));
  }

  #renderStudy(): void {
    renderStudy(this.#page, this.#study);
  }

  #renderStatus(): void {
    this.#setStatus(
      statusText({
        model: this.#model,
        state: this.#state,
        lastRun: this.#lastRun,
        pendingOperations: this.#session?.pendingOperations ?? 0,
        currentAreaPx: this.#currentAreaPx,
      }),
    );
  }

  #setStatus(text: string): void {
    this.#page.statusLine.textContent = text;
  }

  #setBusy(isBusy: boolean): void {
    this.#page.body.dataset.busy = String(isBusy);
  }

  #showError(message: string): void {
    this.#page.errorBanner.textContent = message;
    this.#page.errorBanner.hidden = false;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof SimpleClickError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
