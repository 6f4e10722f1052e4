/**
 * The version check against the feed's `latest.yml`, served on loopback and read with the
 * shared dispatcher; and what the renewal flow makes of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startupVerdictOf } from '../../../src/main/network/checks/startup-verdict.js';
import { feedYaml, startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createNetworkUnderTest } from '../../support/network/network-under-test.js';
import { createTestCa } from '../../support/network/test-ca.js';
import { makeTempDir } from '../../support/temp-dir.js';

let service: LoopbackService;
let trust: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const ca = createTestCa();
  trust = ca.certificatePem;
  service = await startLoopbackService({ ca });
});
afterAll(() => service.close());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function checks(feed: string) {
  service.feed = feed;
  const temp = await makeTempDir('feed');
  const net = createNetworkUnderTest({ serviceUrl: service.url, dataDir: temp.dir, trust: [trust] });
  cleanups.push(temp.remove, () => net.close());
  return net.runStartupChecks();
}

describe('the version check', () => {
  it('a newer version in the feed refuses renewal and offers the update with its notes', async () => {
    const report = await checks(feedYaml('1.2.0', 'Nuovi certificati di firma.'));
    expect(report.version).toEqual({ status: 'outdated', current: '1.0.0', latest: '1.2.0', releaseNotes: 'Nuovi certificati di firma.', releaseDate: '2025-01-15T10:00:00.000Z' });
    expect(report.canRenew).toBe(false);
    expect(startupVerdictOf(report)).toEqual({
      status: 'blocked',
      error: { code: 'UPDATE_REQUIRED', detail: { current: '1.0.0', latest: '1.2.0' } },
      update: { version: '1.2.0', releaseNotes: 'Nuovi certificati di firma.' },
    });
  });

  it('the same version allows renewal', async () => {
    const report = await checks(feedYaml('1.0.0'));
    expect(report.version).toEqual({ status: 'current', current: '1.0.0', latest: '1.0.0' });
    expect(startupVerdictOf(report)).toEqual({ status: 'ok' });
  });

  it('an older version in the feed (a rolled-back release) allows renewal too', async () => {
    expect((await checks(feedYaml('0.9.5'))).version.status).toBe('current');
  });

  it('a pre-release of the same version is older than the release', async () => {
    expect((await checks(feedYaml('1.0.0-rc.2'))).version.status).toBe('current');
  });

  it('a malformed latest.yml is a clear error, not a crash', async () => {
    for (const feed of ['version: [unclosed', 'version: 1.3.0\n', 'just: text\n', 'version: banana\nfiles: []\n']) {
      const report = await checks(feed);
      expect(report.version, feed).toMatchObject({ status: 'unknown', error: { code: 'UPDATE_FEED_INVALID' } });
      expect(startupVerdictOf(report)).toMatchObject({ status: 'blocked', error: { code: 'UPDATE_FEED_INVALID' }, update: null });
    }
  });

  it('a version semver does not allow (what electron-updater would refuse to download) is never offered', async () => {
    for (const version of ['01.2.0', '1.2.0-a..b', 'v1.2.0', '1.2.0-01']) {
      const report = await checks(feedYaml(version));
      expect(report.version, version).toMatchObject({ status: 'unknown', error: { code: 'UPDATE_FEED_INVALID' } });
    }
  });

  it('a latest.yml grown to tens of thousands of keys is refused as too large, before it is parsed', async () => {
    // Parsed whole, this feed (589 KB, under the answers' 1 MB cap) held the event loop for about 30 s.
    const report = await checks(`${feedYaml('1.0.0')}${Array.from({ length: 60_000 }, (_, index) => `k${index}: v`).join('\n')}\n`);
    expect(report.version).toMatchObject({ status: 'unknown', error: { code: 'UPDATE_FEED_INVALID', detail: { reason: expect.stringContaining('over 32768 bytes') } } });
  });
});
