/**
 * The holder's side of a card payment in the lab: pressing a button on the service's checkout
 * page, as the browser would post it.
 */
import { Agent, request } from 'undici';

export async function pressCheckoutButton(checkoutUrl: string, action: 'pay' | 'cancel' | 'fail', caPem: string): Promise<number> {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  try {
    const response = await request(`${checkoutUrl}/${action}`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    await response.body.dump();
    return response.statusCode;
  } finally {
    await dispatcher.close();
  }
}

export function checkoutUrlIn(line: string): string {
  const match = /(https:\/\/\S+\/checkout\/\S+)/.exec(line);
  if (!match?.[1]) throw new Error(`no checkout address in: ${line}`);
  return match[1];
}
