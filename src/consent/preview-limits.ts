/** Largest file the consent window previews (bytes); a larger one is described, not drawn, and not kept for it. */
export const PREVIEW_MAX_BYTES = 5_000_000;
