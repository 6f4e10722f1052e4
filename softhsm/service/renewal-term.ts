/** A renewed certificate is valid 3 years from the day it is issued. */
export function renewedNotAfter(now: Date): Date {
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 3);
  return notAfter;
}
