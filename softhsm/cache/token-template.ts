/**
 * Tokens provisioned by copying a template: the first request for a preset provisions it from
 * nothing (keys generated on the token, certificates from the lab CA) in the run's cache, and every
 * later one copies SoftHSM's token folder into its own environment. The copy is the same token —
 * same SoftHSM serial, same keys, same certificate serials — which is fine because each test has
 * its own SOFTHSM2_CONF and its own lab service state.
 *
 * Templates are made for the start of a ten-minute window around the requested time, so
 * certificate validities are at most ten minutes older than a fresh provisioning would give; the
 * presets count in days.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Holder } from '../../src/shared/domain/certificate-kind.js';
import type { LabPki } from '../pki/lab-pki.js';
import { createSoftHsmEnvironment, softHsmTokenDir, type SoftHsmEnvironment } from '../token/softhsm-environment.js';
import { provisionToken, type ProvisionedToken } from '../token/provision-token.js';
import { labHolder, tokenPreset, type TokenPresetName } from '../token/token-presets.js';
import { cacheKey, cachedEntry, type LabCache } from './lab-cache.js';

const templateWindowMs = 10 * 60_000;

type StoredToken = Omit<ProvisionedToken, 'environment' | 'cardIssuedAt'> & { readonly cardIssuedAt: string };

function templateTime(now: Date): Date {
  return new Date(Math.floor(now.getTime() / templateWindowMs) * templateWindowMs);
}

/** A token laid out as `preset`, in `environment`: copied from the run's template when there is a cache. */
export async function provisionPresetToken(
  environment: SoftHsmEnvironment,
  pki: LabPki,
  preset: TokenPresetName,
  now: Date,
  cache: LabCache | undefined,
  holder: Holder = labHolder,
): Promise<ProvisionedToken> {
  if (!cache) return provisionToken(environment, pki, tokenPreset(preset, now, holder));
  const time = templateTime(now);
  const name = `token-${preset}-${cacheKey(preset, holder, time.toISOString(), pki.root.certificatePem)}`;
  const templateDir = await cachedEntry(cache, name, async (scratchDir) => {
    const templateEnvironment = await createSoftHsmEnvironment(join(scratchDir, 'softhsm'));
    const { environment: _environment, ...token } = await provisionToken(templateEnvironment, pki, tokenPreset(preset, time, holder));
    const stored: StoredToken = { ...token, cardIssuedAt: token.cardIssuedAt.toISOString() };
    await writeFile(join(scratchDir, 'token.json'), JSON.stringify(stored));
  });
  await cp(softHsmTokenDir(join(templateDir, 'softhsm')), softHsmTokenDir(environment.dir), { recursive: true });
  const stored = JSON.parse(await readFile(join(templateDir, 'token.json'), 'utf8')) as StoredToken;
  return { ...stored, environment, cardIssuedAt: new Date(stored.cardIssuedAt) };
}
