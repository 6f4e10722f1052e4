/**
 * Ends the device process once the process that forked it is gone, even while the main thread is
 * stuck in a synchronous PKCS#11 call: C_Login on a PIN-pad reader waits for the holder to type,
 * and a hung middleware may never return. Until it returns, the main thread's event loop cannot
 * see the IPC channel close ('disconnect'), and the process would outlive a killed parent while
 * holding the card (another renewal would meet a busy card). A thread of its own keeps looking.
 *
 * Only where its parent could not guard it from outside (outside-watchdog.ts: a shell beside it,
 * which costs no thread start): on Windows, or when the device process is forked by hand.
 */

// The thread runs from this text rather than from a file: nothing to find beside the bundle, and
// it needs none of the program. A parent that dies leaves this process to another (init, or a
// subreaper): its parent pid changes, which the thread can see without the main thread. SIGKILL,
// because process.exit() in a thread ends only the thread.
const watchdogSource = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parentPid) process.kill(process.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

/** The parent pid is taken now, when the parent is surely alive; `start` may be called again. */
export function parentWatchdog(options: { readonly parentPid: number; readonly intervalMs?: number }): { start(): void } {
  const workerData = { parentPid: options.parentPid, intervalMs: options.intervalMs ?? 300 };
  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      try {
        // Loaded here, not with the program: worker_threads costs milliseconds to load, and the
        // device process's start is on the CLI's start-up path. Not import(): the program bundle
        // runs from V8's code cache (code-cache/cached-commonjs.ts), where Node 20 finds no
        // dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
        const { Worker } = process.getBuiltinModule('node:worker_threads');
        const worker = new Worker(watchdogSource, { eval: true, workerData });
        // A failure of the thread would otherwise be thrown on the main thread, ending the
        // process over its watchdog.
        worker.on('error', () => undefined);
        // Never what keeps this process alive: the IPC channel is.
        worker.unref();
      } catch {
        // No thread to be had (out of memory, say): the process works as it did without one.
      }
    },
  };
}
