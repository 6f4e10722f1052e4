/**
 * A hostile update feed served on loopback, against the in-app updater: the feed over http, a
 * file on another host or over http, the running version offered again, a file without sha512.
 * Each is refused with `UPDATE_FEED_UNSAFE` and its reason, and nothing is fetched from where the
 * feed pointed.
 *
 * `autoUpdater` is a stand-in that does what electron-updater's generic provider does — reads
 * `latest.yml` from the feed folder, resolves each file against it, downloads what it names —
 * and, as the worst case, says "update available" to every feed: the refusal must not depend on
 * electron-updater's own judgement.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createElectronUpdater, type AutoUpdaterPort } from '../../../src/main/electron/electron-updater.js';
import type { OfferedUpdate } from '../../../src/main/updates/update-vetting.js';
import { startLoopbackService, type LoopbackService } from '../../support/network/loopback-service.js';
import { createTestCa } from '../../support/network/test-ca.js';

const sha512 = createHash('sha512').update('Rinnovo CNS 1.2.0').digest('base64');

/** electron-updater's generic provider, minus Electron: fetches with a dispatcher trusting the test CA. */
class GenericProviderStandIn extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  readonly netSession = { setProxy: async () => undefined, closeAllConnections: async () => undefined };
  readonly fetched: string[] = [];
  #feedUrl = '';
  #offer: OfferedUpdate | undefined;

  constructor(private readonly dispatcher: Agent) {
    super();
  }

  setFeedURL(options: { url: string }): void {
    this.#feedUrl = options.url;
  }

  async checkForUpdates() {
    const answer = await this.#get(new URL('latest.yml', this.#feedUrl).toString());
    this.#offer = parseYaml(answer) as OfferedUpdate;
    return { isUpdateAvailable: true, updateInfo: this.#offer };
  }

  async downloadUpdate(): Promise<string[]> {
    for (const file of this.#offer?.files ?? []) await this.#get(new URL(file.url, this.#feedUrl).toString()).catch(() => undefined);
    this.emit('update-downloaded', { version: this.#offer?.version });
    return [];
  }

  quitAndInstall(): void {}

  async #get(url: string): Promise<string> {
    this.fetched.push(url);
    const response = await request(url, { dispatcher: this.dispatcher });
    return response.body.text();
  }
}

let genuine: LoopbackService;
let elsewhere: LoopbackService;
let cleartext: Server;
let cleartextHits: string[];
let dispatcher: Agent;

beforeAll(async () => {
  const ca = createTestCa();
  genuine = await startLoopbackService({ ca });
  elsewhere = await startLoopbackService({ ca, address: '127.0.0.2' });
  cleartextHits = [];
  cleartext = createServer((incoming, response) => {
    cleartextHits.push(incoming.url ?? '');
    response.writeHead(200, { 'content-type': 'application/yaml' }).end(feed({}));
  });
  await new Promise<void>((resolve) => cleartext.listen(0, '127.0.0.1', resolve));
  dispatcher = new Agent({ connect: { ca: ca.certificatePem } });
});

afterAll(async () => {
  await dispatcher.close();
  await new Promise<void>((resolve) => cleartext.close(() => resolve()));
  await elsewhere.close();
  await genuine.close();
});

function feed(options: { version?: string; url?: string; path?: string; sha512?: string | null }): string {
  const url = options.url ?? 'Rinnovo-CNS-Setup-1.2.0.exe';
  const lines = [`version: ${options.version ?? '1.2.0'}`, 'files:', `  - url: ${JSON.stringify(url)}`];
  if (options.sha512 !== null) lines.push(`    sha512: ${options.sha512 ?? sha512}`);
  lines.push('    size: 1024', `path: ${JSON.stringify(options.path ?? url)}`);
  if (options.sha512 !== null) lines.push(`sha512: ${options.sha512 ?? sha512}`);
  lines.push("releaseDate: '2026-01-15T10:00:00.000Z'", '');
  return lines.join('\n');
}

async function downloadFrom(feedUrl: string) {
  const provider = new GenericProviderStandIn(dispatcher);
  const updater = createElectronUpdater({ autoUpdater: provider as unknown as AutoUpdaterPort, feedUrl, currentVersion: '1.0.0', manualProxy: async () => null, route: () => ({ kind: 'direct', source: 'none' }) });
  const genuineBefore = genuine.requests.length;
  const elsewhereBefore = elsewhere.requests.length;
  const state = await updater.download();
  return { state, fetched: provider.fetched, genuine: genuine.requests.slice(genuineBefore), elsewhere: elsewhere.requests.slice(elsewhereBefore) };
}

describe('the updater against a hostile feed', () => {
  it('takes a sound offer: https feed, relative file, newer version, sha512 (the stand-in does download)', async () => {
    genuine.feed = feed({});
    const outcome = await downloadFrom(genuine.feedUrl);
    expect(outcome.state).toEqual({ status: 'downloaded', version: '1.2.0' });
    expect(outcome.genuine).toEqual(['GET /api/v1/updates/latest.yml', 'GET /api/v1/updates/Rinnovo-CNS-Setup-1.2.0.exe']);
  });

  it('refuses a feed served over http before reading it', async () => {
    const port = (cleartext.address() as AddressInfo).port;
    const hitsBefore = cleartextHits.length;
    const outcome = await downloadFrom(`http://127.0.0.1:${port}/updates/`);
    expect(outcome.state).toEqual({ status: 'failed', error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('https') } } });
    expect(cleartextHits.length).toBe(hitsBefore);
    expect(outcome.fetched).toEqual([]);
  });

  it('refuses a file on another host, and never contacts it', async () => {
    const foreign = `https://127.0.0.2:${new URL(elsewhere.url).port}/Rinnovo-CNS-Setup-1.2.0.exe`;
    genuine.feed = feed({ url: foreign, path: 'Rinnovo-CNS-Setup-1.2.0.exe' });
    const outcome = await downloadFrom(genuine.feedUrl);
    expect(outcome.state).toMatchObject({ status: 'failed', error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('another host') } } });
    expect(outcome.elsewhere).toEqual([]);
    expect(outcome.genuine).toEqual(['GET /api/v1/updates/latest.yml']);
  });

  it('refuses a file over http on the feed’s own host, and a protocol-relative path elsewhere', async () => {
    const port = new URL(genuine.url).port;
    genuine.feed = feed({ url: `http://127.0.0.1:${port}/api/v1/updates/Rinnovo-CNS-Setup-1.2.0.exe` });
    expect((await downloadFrom(genuine.feedUrl)).state).toMatchObject({ error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('not https') } } });
    genuine.feed = feed({ path: `//127.0.0.2:${new URL(elsewhere.url).port}/setup.exe` });
    const outcome = await downloadFrom(genuine.feedUrl);
    expect(outcome.state).toMatchObject({ error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('path is on another host') } } });
    expect(outcome.elsewhere).toEqual([]);
  });

  it('refuses the running version offered again, and an older one', async () => {
    for (const version of ['1.0.0', '0.9.0']) {
      genuine.feed = feed({ version });
      const outcome = await downloadFrom(genuine.feedUrl);
      expect(outcome.state, version).toMatchObject({ status: 'failed', error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('not newer') } } });
      expect(outcome.genuine).toEqual(['GET /api/v1/updates/latest.yml']);
    }
  });

  it('refuses a file without sha512, or with one that is not a sha512', async () => {
    for (const value of [null, 'c2hhNTEyLXRlc3Q=']) {
      genuine.feed = feed({ sha512: value });
      const outcome = await downloadFrom(genuine.feedUrl);
      expect(outcome.state, String(value)).toMatchObject({ status: 'failed', error: { code: 'UPDATE_FEED_UNSAFE', detail: { reason: expect.stringContaining('sha512') } } });
      expect(outcome.genuine).toEqual(['GET /api/v1/updates/latest.yml']);
    }
  });
});
