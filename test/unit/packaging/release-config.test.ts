/**
 * What `npm run dist` adds to electron-builder.yml from the release machine's environment:
 * the Windows publisher name updates are verified against, and a refusal to build installers
 * for holders without signing material.
 */
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { hostTarget, releasePlan } from '../../../scripts/release-config.js';

const base: Configuration = { appId: 'it.camcom.rinnovo-cns', win: { target: ['nsis'] }, mac: { target: ['dmg', 'zip'] }, linux: { target: ['AppImage', 'deb'] } };
const windowsSigning = { CSC_LINK: '/secure/codesign.p12', CSC_KEY_PASSWORD: 'not-in-the-config', RINNOVO_WIN_PUBLISHER_NAME: 'InfoCamere S.C.p.A.' };

describe('the release configuration', () => {
  it('writes the publisher name from the environment and demands signing on Windows', () => {
    const plan = releasePlan(base, { targets: ['win'], unsigned: false, chamberCasPresent: true, env: windowsSigning });
    expect(plan.kind).toBe('ready');
    if (plan.kind !== 'ready') return;
    expect(plan.config.win).toMatchObject({ target: ['nsis'], forceCodeSigning: true, signtoolOptions: { publisherName: ['InfoCamere S.C.p.A.'] } });
    // electron-builder reads the certificate and its password from the environment itself.
    expect(JSON.stringify(plan.config)).not.toContain('not-in-the-config');
    expect(JSON.stringify(plan.config)).not.toContain('codesign.p12');
  });

  it('refuses a Windows or macOS release without certificate, publisher name or notarization', () => {
    const noCertificate = releasePlan(base, { targets: ['win'], unsigned: false, chamberCasPresent: true, env: { RINNOVO_WIN_PUBLISHER_NAME: 'InfoCamere S.C.p.A.' } });
    expect(noCertificate).toMatchObject({ kind: 'refused', reasons: [expect.stringContaining('certificate')] });
    const noPublisher = releasePlan(base, { targets: ['win'], unsigned: false, chamberCasPresent: true, env: { WIN_CSC_LINK: '/secure/codesign.p12', RINNOVO_WIN_PUBLISHER_NAME: ' ' } });
    expect(noPublisher).toMatchObject({ kind: 'refused', reasons: [expect.stringContaining('RINNOVO_WIN_PUBLISHER_NAME')] });
    const mac = releasePlan(base, { targets: ['mac'], unsigned: false, chamberCasPresent: true, env: { CSC_LINK: '/secure/developer-id.p12' } });
    expect(mac).toMatchObject({ kind: 'refused', reasons: [expect.stringContaining('notarization')] });
  });

  it('a signed macOS release is notarized', () => {
    const plan = releasePlan(base, { targets: ['mac'], unsigned: false, chamberCasPresent: true, env: { CSC_NAME: 'Developer ID Application: InfoCamere', APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' } });
    expect(plan).toMatchObject({ kind: 'ready', config: { mac: { forceCodeSigning: true, notarize: true } } });
  });

  it('Linux needs no signing; an explicit unsigned trial is built with a warning', () => {
    expect(releasePlan(base, { targets: ['linux'], unsigned: false, chamberCasPresent: true, env: {} })).toMatchObject({ kind: 'ready', warnings: [] });
    const trial = releasePlan(base, { targets: ['win', 'mac'], unsigned: true, chamberCasPresent: true, env: {} });
    expect(trial).toMatchObject({ kind: 'ready', config: { win: { forceCodeSigning: false }, mac: { identity: null } } });
    expect(trial.kind === 'ready' && trial.warnings).toEqual([expect.stringContaining('UNSIGNED'), expect.stringContaining('UNSIGNED')]);
  });

  it('refuses a release without the Chamber of Commerce CAs (the app would accept no renewed certificate)', () => {
    const plan = releasePlan(base, { targets: ['linux'], unsigned: false, chamberCasPresent: false, env: {} });
    expect(plan).toMatchObject({ kind: 'refused', reasons: [expect.stringContaining('chamber-cas.pem')] });
  });

  it('builds for the machine it runs on by default', () => {
    expect([hostTarget('win32'), hostTarget('darwin'), hostTarget('linux')]).toEqual(['win', 'mac', 'linux']);
  });
});
