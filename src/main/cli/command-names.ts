/** The CLI's commands, and which of them reach the device (so the CLI can start its process early). */
export type CommandName = 'doctor' | 'renew' | 'resume' | 'status' | 'support-bundle';
export const commandNames: readonly CommandName[] = ['doctor', 'renew', 'resume', 'status', 'support-bundle'];

/** Commands that only look: what they show is not an attempt of the holder's, and the last attempt's outcome (the support bundle's) stays as it was. */
export function onlyLooks(command: CommandName): boolean {
  return command === 'status' || command === 'support-bundle';
}

export function usesDevice(command: CommandName): boolean {
  return command !== 'support-bundle';
}

/**
 * Whether a command line may name a command that reaches the device, read before the CLI has
 * loaded its parser: any word that is such a command. A miss costs nothing (the CLI starts the
 * device process itself once it knows the command); a wrong guess costs a process nobody uses.
 */
export function mayUseDevice(argv: readonly string[]): boolean {
  if (argv.includes('--help') || argv.includes('-h')) return false;
  return argv.some((word) => (commandNames as readonly string[]).includes(word) && usesDevice(word as CommandName));
}
