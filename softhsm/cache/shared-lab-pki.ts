/**
 * One lab PKI for a whole test run: its six RSA keys take about a second of both cores, and only
 * the PKI's own tests are about making it. Read-only for its users (the lab service reads the CAs
 * and the TLS key; tests read the PEM files), so every scenario of the run can share it.
 */
import { createLabPki, type LabPki } from '../pki/lab-pki.js';
import { cachedEntry, type LabCache } from './lab-cache.js';

const loaded = new Map<string, Promise<LabPki>>();

export function sharedLabPki(cache: LabCache): Promise<LabPki> {
  let pki = loaded.get(cache.dir);
  if (!pki) {
    pki = cachedEntry(cache, 'lab-pki', async (scratchDir) => {
      await createLabPki(scratchDir);
    }).then((dir) => createLabPki(dir));
    loaded.set(cache.dir, pki);
    pki.catch(() => loaded.delete(cache.dir));
  }
  return pki;
}
