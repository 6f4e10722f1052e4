/**
 * A hard upper bound on an operation's answer.
 *
 * undici's abort signal does not interrupt a connection still being set up (TCP + TLS): that
 * ends only at the connect timeout. A verdict promised within 3 s therefore races a timer; the
 * abandoned attempt finishes on its own in the background.
 */
export async function withDeadline<T>(operation: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([operation, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
