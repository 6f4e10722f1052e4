/** The CLI's commands, and which of them reach the device (so the CLI can start its process early). */
export type CommandName = 'doctor' | 'renew' | 'resume' | 'status' | 'support-bundle';
export const commandNames: readonly CommandName[] = ['doctor', 'renew', 'resume', 'status', 'support-bundle'];

export function usesDevice(command: CommandName): boolean {
  return command !== 'support-bundle';
}
