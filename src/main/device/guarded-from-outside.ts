/**
 * The argument a device process is forked with when a watchdog outside it (outside-watchdog.ts)
 * ends it once its parent is gone: it then starts no watchdog thread of its own. A file of its
 * own, so the device process loads nothing of the launcher's to read it.
 */
export const guardedFromOutsideArgument = '--guarded-from-outside';
