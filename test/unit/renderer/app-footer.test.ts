/**
 * The window's footer tells the holder when the installed app runs on the helpdesk's settings
 * (started with --helpdesk), and only then.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../../src/shared/contract/app-contract.js';
import { AppFooter } from '../../../src/renderer/components/AppFooter.js';

const status: AppStatus = { productName: 'Rinnovo CNS', version: '1.0.0', platform: 'win32', transport: 'electron', configuration: 'shipped', locale: 'it', help: { siteUrl: 'https://www.card.infocamere.it/', phone: null } };
const footer = (configuration: AppStatus['configuration']) => renderToStaticMarkup(createElement(AppFooter, { status: { ...status, configuration } }));

describe('the footer', () => {
  it('shows "Modalità assistenza" when the helpdesk switch is on', () => {
    const html = footer('helpdesk');
    expect(html).toContain('Modalità assistenza');
    expect(html).toContain('data-testid="helpdesk-mode"');
    expect(html).toContain('Versione 1.0.0');
  });

  it('shows no helpdesk notice with the shipped configuration, nor in the lab: the version and where to get help', () => {
    for (const configuration of ['shipped', 'environment'] as const) {
      const html = footer(configuration);
      expect(html, configuration).not.toContain('helpdesk-mode');
      expect(html, configuration).not.toContain('Modalità assistenza');
      expect(html, configuration).toContain('Versione 1.0.0');
      expect(html, configuration).toContain('<a href="https://www.card.infocamere.it/" target="_blank" rel="noopener noreferrer">www.card.infocamere.it</a>');
    }
  });
});
