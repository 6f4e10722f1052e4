/**
 * Every word the holder reads comes from the catalogues: no text typed into a component's JSX,
 * nor into the attributes a screen reader announces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const rendererDir = join(import.meta.dirname, '..', '..', '..', 'src', 'renderer');
const spokenAttributes = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt']);

function componentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? componentFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );
}

function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    // Punctuation between two translated pieces (' — ', ': ') carries no words.
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.push(node.text.trim());
    if (ts.isStringLiteral(node) && ts.isJsxExpression(node.parent) && /\p{L}{2,}/u.test(node.text) && ts.isJsxElement(node.parent.parent)) found.push(node.text);
    if (ts.isJsxAttribute(node) && spokenAttributes.has(node.name.getText(source)) && node.initializer && ts.isStringLiteral(node.initializer)) {
      found.push(node.initializer.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the components', () => {
  it('hold no text of their own', () => {
    const files = componentFiles(rendererDir);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((file) => literalTexts(file).map((text) => `${file.slice(rendererDir.length + 1)}: ${text}`));
    expect(offenders).toEqual([]);
  });
});
