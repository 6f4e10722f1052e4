/**
 * The rules an update offer must pass before electron-updater downloads a byte of it, on the
 * shapes a hostile `latest.yml` can take that the loopback test does not serve.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { vetFeedUrl, vetOfferedUpdate, type OfferedUpdate } from '../../../src/main/updates/update-vetting.js';

const feed = 'https://rinnovo.card.infocamere.it/api/v1/updates/';
const sha512 = createHash('sha512').update('setup').digest('base64');
const offer = (patch: Partial<OfferedUpdate> = {}): OfferedUpdate => ({ version: '1.2.0', files: [{ url: 'Rinnovo-CNS-Setup-1.2.0.exe', sha512 }], path: 'Rinnovo-CNS-Setup-1.2.0.exe', sha512, ...patch });
const reasonOf = (patch: Partial<OfferedUpdate>) => {
  const vetting = vetOfferedUpdate(feed, '1.0.0', offer(patch));
  return vetting.verdict === 'refused' ? vetting.reason : 'safe';
};

describe('an update offer', () => {
  it('is safe with relative files, or absolute ones on the feed’s own origin', () => {
    expect(reasonOf({})).toBe('safe');
    expect(reasonOf({ files: [{ url: `${feed}Rinnovo-CNS-Setup-1.2.0.exe`, sha512 }] })).toBe('safe');
    expect(reasonOf({ files: [{ url: '/downloads/Rinnovo-CNS-Setup-1.2.0.exe', sha512 }] })).toBe('safe');
  });

  it('is refused with a file elsewhere, over another scheme, or carrying credentials', () => {
    expect(reasonOf({ files: [{ url: 'https://rinnovo.card.infocamere.it:8443/x.exe', sha512 }] })).toContain('another host');
    expect(reasonOf({ files: [{ url: 'https://rinnovo.card.infocamere.it.attacker.example/x.exe', sha512 }] })).toContain('another host');
    expect(reasonOf({ files: [{ url: 'file:///C:/Windows/Temp/x.exe', sha512 }] })).toContain('not https');
    expect(reasonOf({ files: [{ url: 'https://user:pw@rinnovo.card.infocamere.it/x.exe', sha512 }] })).toContain('credentials');
    expect(reasonOf({ path: 'https://attacker.example/x.exe' })).toContain('path is on another host');
  });

  it('is refused when it names web-installer packages, which the NSIS updater would fetch from where they say, unchecked', () => {
    expect(reasonOf({ packages: { x64: { path: 'http://attacker.example/evil.7z' } } })).toContain('web-installer packages');
    expect(reasonOf({ packages: { x64: { path: 'Rinnovo-CNS-1.2.0-x64.nsis.7z', sha512 } } })).toContain('web-installer packages');
  });

  it('is refused when not strictly newer, or not a version at all', () => {
    expect(reasonOf({ version: '1.0.0' })).toContain('not newer');
    expect(reasonOf({ version: '1.0.0-rc.1' })).toContain('not newer');
    expect(reasonOf({ version: 'latest' })).toContain('not a version');
    expect(reasonOf({ version: '01.2.0' })).toContain('not a version');
    expect(reasonOf({ version: 'v1.2.0' })).toContain('not a version');
  });

  it('is refused without files, or with a sha512 that is not one', () => {
    expect(reasonOf({ files: [] })).toContain('no file');
    expect(reasonOf({ files: undefined as unknown as OfferedUpdate['files'] })).toContain('no file');
    expect(reasonOf({ files: [{ url: 'x.exe', sha512: createHash('sha256').update('x').digest('base64') }] })).toContain('sha512');
    expect(reasonOf({ sha512: 'short' })).toContain('sha512');
  });

  it('comes only from an https feed', () => {
    expect(vetFeedUrl(feed)).toEqual({ verdict: 'safe' });
    expect(vetFeedUrl('http://rinnovo.card.infocamere.it/api/v1/updates/')).toMatchObject({ verdict: 'refused' });
    expect(vetFeedUrl('not a url')).toMatchObject({ verdict: 'refused' });
  });
});
