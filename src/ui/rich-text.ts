import type { ComponentChild } from 'preact';
import { type GeneratedI18nStructure, i18n } from '#i18n';

type Catalogue = GeneratedI18nStructure;

/** Catalogue keys whose message has only named placeholders ({site}), no $1 or plural. */
type NamedKey = {
  [K in keyof Catalogue]: Catalogue[K] extends {
    substitutions: 0;
    plural: false;
    namedSubstitutions: readonly string[];
  }
    ? K
    : never;
}[keyof Catalogue];

type Placeholders<K extends NamedKey> = Catalogue[K] extends { namedSubstitutions: readonly (infer N extends string)[] }
  ? Record<N, ComponentChild>
  : never;

/**
 * A catalogue message with elements in its placeholders ("{site} wants to connect" with the site in a
 * highlighted span): the translation decides where each element goes, so no sentence is glued together
 * from fragments.
 */
export function richText<K extends NamedKey>(key: K, elements: Placeholders<K>): ComponentChild[] {
  // Without substitutions the message comes back with its {name} placeholders in place.
  const message = (i18n.t as (key: string) => string)(key);
  const parts = elements as Record<string, ComponentChild>;
  return message
    .split(/\{([A-Za-z0-9_]+)\}/)
    .map((piece, i) => (i % 2 === 1 ? (Object.hasOwn(parts, piece) ? parts[piece] : `{${piece}}`) : piece))
    .filter((piece) => piece !== '');
}
