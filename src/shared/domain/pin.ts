/**
 * A PIN as cards accept it: 4 to 16 visible ASCII characters, no spaces.
 *
 * The one rule for every way a PIN arrives (the window's form, the CLI's prompt, standard input,
 * `RINNOVO_PIN`): an empty, padded or overlong value is refused before any login, because each
 * C_Login with a wrong PIN spends one of the card's three tries. The brand makes a checked PIN a
 * different type from a string, so nothing unchecked can reach the device port.
 */
import { z } from 'zod';

export const pinSchema = z.string().regex(/^[\x21-\x7e]{4,16}$/).brand<'Pin'>();
export type Pin = z.infer<typeof pinSchema>;

/** The PIN, or undefined when it must not be sent to the card. */
export function parsePin(value: string): Pin | undefined {
  const parsed = pinSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
