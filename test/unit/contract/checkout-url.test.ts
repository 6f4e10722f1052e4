/**
 * The only address the page links to is the card checkout: the contract itself admits https
 * only, so a hostile or broken service cannot put `javascript:`, `data:`, `file:` or a cleartext
 * page behind the holder's "Paga con carta" link, whichever transport carries it.
 */
import { describe, expect, it } from 'vitest';
import { flowStateSchema } from '../../../src/shared/contract/flow-contract.js';

const payment = (checkoutUrl: string) => ({
  step: 'payment',
  device: { serial: 'S1', label: 'CNS', manufacturer: 'Lab' },
  plan: {
    items: [{ certificateSerial: 'A', kind: 'signature', price: null }],
    totals: [],
    totalCents: 0,
    newNotAfter: '2029-11-22T10:00:00.000Z',
    removeOldFirst: false,
  },
  card: { checkoutUrl, status: 'waiting' },
  error: null,
});

describe('the checkout address in the flow state', () => {
  it('is accepted over https', () => {
    expect(flowStateSchema.safeParse(payment('https://pagamenti.camcom.example/checkout/42')).success).toBe(true);
  });

  it('is refused with any other scheme', () => {
    for (const url of ['javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'http://pagamenti.camcom.example/checkout/42', 'app://rinnovo/index.html', 'vbscript:msgbox(1)']) {
      expect(flowStateSchema.safeParse(payment(url)).success, url).toBe(false);
    }
  });
});
