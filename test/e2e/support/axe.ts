/**
 * axe-core injected into the page: the serious and critical accessibility violations of what
 * the person sees right now.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated through the DevTools protocol: the page's strict CSP (no inline scripts) stays on.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * What axe's rules read: every element with all its attributes (classes, roles, labels, the ids
 * labels point to, inline styles) and whether each text is empty — not the words themselves,
 * which differ between two refusals drawn by the same screen.
 */
function layoutOf(): string {
  const describe = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').trim() === '' ? '' : 't';
    if (!(node instanceof Element)) return '';
    const attributes = [...node.attributes].map((attribute) => `${attribute.name}=${attribute.value}`).sort().join(' ');
    return `<${node.tagName} ${attributes}>${[...node.childNodes].map(describe).join('')}</>`;
  };
  return `${document.documentElement.lang}|${describe(document.body)}`;
}

/**
 * Layouts already found clean in this worker: the thirty-odd scenarios end on a dozen screens,
 * and axe (half a second of the renderer's CPU each time) would find the same nothing again.
 */
const cleanLayouts = new Set<string>();

export async function seriousViolations(page: Page): Promise<Violation[]> {
  const layout = await page.evaluate(layoutOf);
  if (cleanLayouts.has(layout)) return [];
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  });
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (serious.length === 0) cleanLayouts.add(layout);
  return serious;
}
