import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Words the user reads come from the catalogue (src/locales/en.yml), never from a literal in a component;
// what may stay literal is punctuation and symbols around values ("@" before a handle, "·").

/** Attributes a person reads or hears. */
const READ_ATTRIBUTES = new Set(['placeholder', 'title', 'alt', 'aria-label', 'aria-description', 'label']);
const HAS_LETTER = /\p{L}/u;

function components(): string[] {
  return readdirSync(import.meta.dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.tsx') && !file.endsWith('.test.tsx'))
    .map((file) => join(import.meta.dirname, file));
}

/** Text with a letter in it, written straight into JSX: as a child, a {'string'} child, or a read attribute. */
function literalTexts(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    if (!HAS_LETTER.test(text)) return;
    const at = node.getStart(file) + (ts.isJsxText(node) ? text.search(/\S/) : 0);
    const { line } = file.getLineAndCharacterOfPosition(at);
    found.push(`${fileName}:${line + 1}: ${text.trim()}`);
  };
  const isLiteral = (node: ts.Node) => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && ts.isJsxElement(node.parent) && node.expression && isLiteral(node.expression))
      report(node, (node.expression as ts.StringLiteral).text);
    else if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText(file)) && node.initializer) {
      const value = ts.isJsxExpression(node.initializer) ? node.initializer.expression : node.initializer;
      if (value && isLiteral(value)) report(node, (value as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('UI components', () => {
  it('have no literal words in their JSX', () => {
    const found = components().flatMap((file) =>
      literalTexts(file.slice(import.meta.dirname.length + 1), readFileSync(file, 'utf8')),
    );
    expect(found).toEqual([]);
  });

  it('the scan finds words in children, {"…"} children and read attributes, and lets symbols through', () => {
    const source = `export const A = () => (
      <p title="Hello" class="note">
        Hi {'there'} @{handle} · <input placeholder={'name'} data-testid="x" />
      </p>
    );`;
    expect(literalTexts('a.tsx', source)).toEqual(['a.tsx:2: Hello', 'a.tsx:3: Hi', 'a.tsx:3: there', 'a.tsx:3: name']);
  });
});
