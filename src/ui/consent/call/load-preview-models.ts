let models: Promise<typeof import('./preview-models')> | undefined;

/** The preview models, a chunk of their own (with the scope parser they use): the window paints without them. */
export function loadPreviewModels(): Promise<typeof import('./preview-models')> {
  models ??= import('./preview-models');
  return models;
}
