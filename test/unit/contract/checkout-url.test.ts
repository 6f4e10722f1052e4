/**
 * The only address the page links to is the card checkout: the contract itself admits https
 * only, so a hostile or broken service cannot put `javascript:`, `data:`, `file:` or a cleartext
 * page behind the holder's "Paga con carta" link, whichever transport carries it.
 */
import { describe, expect, it } from 'vitest';
import { contractEvents } from '../../../src/shared/contract/contract.js';

const flowStateSchema = contractEvents['flow.state'];

// The payment step's `card` as the contract defines it (the rest of the step is the plan's business).
const paymentStep = flowStateSchema.options.find((option) => option.shape.step.value === 'payment');
const cardSchema = paymentStep && 'card' in paymentStep.shape ? paymentStep.shape.card : undefined;
const accepts = (checkoutUrl: string) => cardSchema?.safeParse({ checkoutUrl, status: 'waiting' }).success;

describe('the checkout address in the flow state', () => {
  it('is accepted over https', () => {
    expect(cardSchema).toBeDefined();
    expect(accepts('https://pagamenti.camcom.example/checkout/42')).toBe(true);
  });

  it('is refused with any other scheme', () => {
    for (const url of ['javascript:alert(document.domain)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'http://pagamenti.camcom.example/checkout/42', 'app://rinnovo/index.html', 'vbscript:msgbox(1)']) {
      expect(accepts(url), url).toBe(false);
    }
  });
});
