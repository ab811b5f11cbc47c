/** The elements of index.html the demo uses, looked up once (a missing id fails at start, not on first use). */
export interface PageElements {
  readonly body: HTMLElement;
  readonly modelSelect: HTMLSelectElement;
  readonly untrainedBanner: HTMLElement;
  readonly untrainedText: HTMLElement;
  readonly errorBanner: HTMLElement;
  readonly dropZone: HTMLElement;
  readonly stage: HTMLElement;
  readonly imageCanvas: HTMLCanvasElement;
  readonly maskCanvas: HTMLCanvasElement;
  readonly clickLayer: SVGSVGElement;
  readonly statusLine: HTMLElement;
  readonly imageInput: HTMLInputElement;
  readonly exampleButton: HTMLButtonElement;
  readonly modePositive: HTMLButtonElement;
  readonly modeNegative: HTMLButtonElement;
  readonly undoButton: HTMLButtonElement;
  readonly redoButton: HTMLButtonElement;
  readonly resetButton: HTMLButtonElement;
  readonly finishButton: HTMLButtonElement;
  readonly objectList: HTMLOListElement;
  readonly maskInput: HTMLInputElement;
  readonly thresholdSlider: HTMLInputElement;
  readonly thresholdValue: HTMLOutputElement;
  readonly opacitySlider: HTMLInputElement;
  readonly opacityValue: HTMLOutputElement;
  readonly exportPng: HTMLButtonElement;
  readonly exportPolygons: HTMLButtonElement;
  readonly exportCoco: HTMLButtonElement;
  readonly exportLabelStudio: HTMLButtonElement;
  readonly polygonEpsilon: HTMLInputElement;
  readonly groundTruthInput: HTMLInputElement;
  readonly groundTruthExampleButton: HTMLButtonElement;
  readonly studyPanel: HTMLElement;
  readonly studySummary: HTMLElement;
  readonly studyRestart: HTMLButtonElement;
  readonly studyExport: HTMLButtonElement;
  readonly studyStop: HTMLButtonElement;
  readonly studyRows: HTMLTableSectionElement;
}

function byId<T extends Element>(id: string, type: abstract new (...args: never[]) => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no #${id} of the expected kind`);
  return element;
}

export function findPageElements(): PageElements {
  return {
    body: document.body,
    modelSelect: byId('model-select', HTMLSelectElement),
    untrainedBanner: byId('untrained-banner', HTMLElement),
    untrainedText: byId('untrained-text', HTMLElement),
    errorBanner: byId('error-banner', HTMLElement),
    dropZone: byId('drop-zone', HTMLElement),
    stage: byId('stage', HTMLElement),
    imageCanvas: byId('image-canvas', HTMLCanvasElement),
    maskCanvas: byId('mask-canvas', HTMLCanvasElement),
    clickLayer: byId('click-layer', SVGSVGElement),
    statusLine: byId('status-line', HTMLElement),
    imageInput: byId('image-input', HTMLInputElement),
    exampleButton: byId('example-button', HTMLButtonElement),
    modePositive: byId('mode-positive', HTMLButtonElement),
    modeNegative: byId('mode-negative', HTMLButtonElement),
    undoButton: byId('undo-button', HTMLButtonElement),
    redoButton: byId('redo-button', HTMLButtonElement),
    resetButton: byId('reset-button', HTMLButtonElement),
    finishButton: byId('finish-button', HTMLButtonElement),
    objectList: byId('object-list', HTMLOListElement),
    maskInput: byId('mask-input', HTMLInputElement),
    thresholdSlider: byId('threshold-slider', HTMLInputElement),
    thresholdValue: byId('threshold-value', HTMLOutputElement),
    opacitySlider: byId('opacity-slider', HTMLInputElement),
    opacityValue: byId('opacity-value', HTMLOutputElement),
    exportPng: byId('export-png', HTMLButtonElement),
    exportPolygons: byId('export-polygons', HTMLButtonElement),
    exportCoco: byId('export-coco', HTMLButtonElement),
    exportLabelStudio: byId('export-labelstudio', HTMLButtonElement),
    polygonEpsilon: byId('polygon-epsilon', HTMLInputElement),
    groundTruthInput: byId('gt-input', HTMLInputElement),
    groundTruthExampleButton: byId('gt-example-button', HTMLButtonElement),
    studyPanel: byId('study-panel', HTMLElement),
    studySummary: byId('study-summary', HTMLElement),
    studyRestart: byId('study-restart', HTMLButtonElement),
    studyExport: byId('study-export', HTMLButtonElement),
    studyStop: byId('study-stop', HTMLButtonElement),
    studyRows: byId('study-rows', HTMLTableSectionElement),
  };
}
