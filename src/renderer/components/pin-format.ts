/**
 * The cards' PIN rule (src/shared/domain/pin.ts), the one the contract checks `flow.unlock`
 * against, asked before a PIN leaves the form. It comes with zod, which the app's first screen
 * does without: loaded when the PIN screen appears, in a chunk of its own.
 */
let rule: Promise<typeof import('../../shared/domain/pin.js')> | undefined;

export function loadPinRule(): void {
  pinRule().catch(() => undefined);
}

function pinRule(): Promise<typeof import('../../shared/domain/pin.js')> {
  rule ??= import('../../shared/domain/pin.js').catch((error: unknown) => {
    rule = undefined;
    throw error;
  });
  return rule;
}

/**
 * Whether the contract takes this as a PIN (4 to 16 visible characters, no spaces). Should the
 * rule fail to load, the PIN goes to main as before, whose contract checks it all the same.
 */
export async function isPinFormat(value: string): Promise<boolean> {
  try {
    return (await pinRule()).parsePin(value) !== undefined;
  } catch {
    return true;
  }
}
