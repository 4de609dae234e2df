import { uiLocale } from './format';

/** Marks the page with the language its strings are in (the catalogue the browser picked). */
export function markPageLanguage(doc: Document = document): void {
  const language = uiLocale();
  if (language) doc.documentElement.lang = language;
}
