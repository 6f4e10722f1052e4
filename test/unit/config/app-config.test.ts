/**
 * The configuration loader both ways: a tool that is not installed (lab, CLI, harness, a
 * checkout) follows the environment; the installed app ignores every RINNOVO_* variable unless
 * started with --helpdesk, and then still talks https only.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadAppConfig, readConfiguredFile } from '../../../src/main/config/app-config.js';
import { isAppError } from '../../../src/shared/errors/app-error.js';
import { createTestCa } from '../../support/network/test-ca.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { shippedConfiguration } from '../../../src/main/config/shipped-config.js';

/** What someone (or something) planted in the environment. */
const planted = {
  RINNOVO_SERVICE_URL: 'https://rinnovo.attacker.example/api/v1/',
  RINNOVO_UPDATE_FEED_URL: 'https://updates.attacker.example/',
  RINNOVO_CA_BUNDLE: '/tmp/attacker-ca.pem',
  RINNOVO_CHAMBER_CAS: '/tmp/attacker-chamber-cas.pem',
  RINNOVO_PKCS11_MODULE: '/tmp/libattacker.so',
  RINNOVO_PAC_URL: 'http://attacker.example/proxy.pac',
  RINNOVO_DATA_DIR: '/tmp/attacker-data',
  RINNOVO_CARD_WAIT_SECONDS: '5',
  RINNOVO_KEYS_AHEAD: 'off',
  RINNOVO_HELP_URL: 'https://help.attacker.example/',
  RINNOVO_HELP_PHONE: '+39 000 000',
};

const installed = {
  version: '1.0.0',
  packaged: true,
  dataDir: '/home/mario/.config/Rinnovo CNS',
  argv: ['/opt/Rinnovo CNS/rinnovo-cns'],
  resourcesDir: '/opt/Rinnovo CNS/resources',
  fileExists: (path: string) => path.startsWith('/opt/Rinnovo CNS/resources/'),
};

describe('the configuration of a tool that is not installed (lab, CLI, harness)', () => {
  it('follows the environment, http included (the lab)', () => {
    const config = loadAppConfig({ ...planted, RINNOVO_SERVICE_URL: 'http://127.0.0.1:8080/api/v1' }, { version: '1.0.0' });
    expect(config).toMatchObject({
      source: 'environment',
      serviceUrl: 'http://127.0.0.1:8080/api/v1/',
      updateFeedUrl: 'https://updates.attacker.example/',
      caBundlePath: planted.RINNOVO_CA_BUNDLE,
      chamberCaBundlePath: planted.RINNOVO_CHAMBER_CAS,
      pkcs11Module: planted.RINNOVO_PKCS11_MODULE,
      pacUrl: planted.RINNOVO_PAC_URL,
      dataDir: planted.RINNOVO_DATA_DIR,
      cardWaitSeconds: 5,
    });
  });

  it('defaults to the shipped service, with the feed beside the service it was pointed at', () => {
    expect(loadAppConfig({}, { version: '1.0.0' })).toMatchObject({ serviceUrl: shippedConfiguration.serviceUrl, updateFeedUrl: shippedConfiguration.updateFeedUrl });
    expect(loadAppConfig({ RINNOVO_SERVICE_URL: 'https://127.0.0.1:8443/api/v1/' }, { version: '1.0.0' }).updateFeedUrl).toBe('https://127.0.0.1:8443/api/v1/updates/');
  });

  it('keeps its journal, lock and logs in the window’s data folder (Electron names it after productName), so the two never renew the same card at once', () => {
    const cli = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) => loadAppConfig(env, { version: '1.0.0', platform, home: '/home/mario' }).dataDir;
    expect(cli('linux')).toBe(installed.dataDir);
    expect(cli('linux', { XDG_CONFIG_HOME: '/home/mario/.local/config' })).toBe('/home/mario/.local/config/Rinnovo CNS');
    expect(cli('linux', { XDG_CONFIG_HOME: '' })).toBe(installed.dataDir);
    expect(cli('darwin')).toBe('/home/mario/Library/Application Support/Rinnovo CNS');
    expect(cli('win32', { APPDATA: 'C:\\Users\\mario\\AppData\\Roaming' })).toMatch(/Roaming[\\/]Rinnovo CNS$/);
  });
});

describe('the installed app', () => {
  it('ignores every RINNOVO_* variable: service, feed, CA bundles, card library, PAC and data folder come from what it ships', () => {
    const config = loadAppConfig(planted, installed);
    expect(config).toEqual({
      source: 'shipped',
      serviceUrl: shippedConfiguration.serviceUrl,
      updateFeedUrl: shippedConfiguration.updateFeedUrl,
      chamberCaBundlePath: join(installed.resourcesDir, 'chamber-cas', 'chamber-cas.pem'),
      dataDir: installed.dataDir,
      cardWaitSeconds: 900,
      keysAhead: 'on',
      helpSiteUrl: shippedConfiguration.helpSiteUrl,
      version: '1.0.0',
    });
  });

  it('trusts no Chamber CA when a trial build ships none', () => {
    expect(loadAppConfig(planted, { ...installed, fileExists: () => false }).chamberCaBundlePath).toBeUndefined();
  });

  it('follows the helpdesk’s environment only when started with --helpdesk, and says so', () => {
    const config = loadAppConfig(planted, { ...installed, argv: [...installed.argv, '--helpdesk'] });
    expect(config).toMatchObject({ source: 'helpdesk', serviceUrl: planted.RINNOVO_SERVICE_URL, caBundlePath: planted.RINNOVO_CA_BUNDLE, chamberCaBundlePath: planted.RINNOVO_CHAMBER_CAS, pkcs11Module: planted.RINNOVO_PKCS11_MODULE });
    // The switch is a command-line switch: the same word in the environment unlocks nothing.
    expect(loadAppConfig({ ...planted, RINNOVO_HELPDESK: '1' }, installed).source).toBe('shipped');
  });

  it('makes the next pair ahead unless the helpdesk turns it off, and names a value it cannot use', () => {
    const helpdesk = { ...installed, argv: [...installed.argv, '--helpdesk'] };
    expect(loadAppConfig({}, helpdesk).keysAhead).toBe('on');
    expect(loadAppConfig({ RINNOVO_KEYS_AHEAD: 'off' }, helpdesk).keysAhead).toBe('off');
    expect(() => loadAppConfig({ RINNOVO_KEYS_AHEAD: 'no' }, helpdesk)).toThrow(expect.objectContaining({ code: 'COMMAND_OPTION_INVALID', detail: { option: 'RINNOVO_KEYS_AHEAD' } }));
  });

  it('talks https only, even for the helpdesk', () => {
    const helpdesk = { ...installed, argv: [...installed.argv, '--helpdesk'] };
    expect(() => loadAppConfig({ RINNOVO_SERVICE_URL: 'http://rinnovo.lab.example/api/v1/' }, helpdesk)).toThrow();
    expect(() => loadAppConfig({ RINNOVO_UPDATE_FEED_URL: 'http://rinnovo.lab.example/updates/' }, helpdesk)).toThrow();
    expect(loadAppConfig({ RINNOVO_SERVICE_URL: 'https://127.0.0.1:8443/api/v1/' }, helpdesk).serviceUrl).toBe('https://127.0.0.1:8443/api/v1/');
  });

  it('ships the feed electron-builder publishes to, over https', () => {
    const builder = parseYaml(readFileSync(join(import.meta.dirname, '..', '..', '..', 'electron-builder.yml'), 'utf8')) as { publish: { url: string } };
    expect(shippedConfiguration.updateFeedUrl).toBe(builder.publish.url);
    expect(new URL(shippedConfiguration.serviceUrl).protocol).toBe('https:');
  });
});

describe('a configured address with credentials in it', () => {
  it.each([
    ['RINNOVO_SERVICE_URL', 'https://helpdesk:Svc-Pw-31@staging.example/api/v1/'],
    ['RINNOVO_UPDATE_FEED_URL', 'https://helpdesk:Svc-Pw-31@staging.example/updates/'],
    ['RINNOVO_PAC_URL', 'http://mrossi:Pac-Pw-55@pac.example/proxy.pac'],
  ])('%s is refused, named, before anything could carry the password', (variable, value) => {
    expect(() => loadAppConfig({ [variable]: value }, { version: '1.0.0' })).toThrow(expect.objectContaining({ code: 'COMMAND_OPTION_INVALID', detail: { option: variable } }));
  });
});


describe('a CA bundle the configuration names', () => {
  it('is read when it holds PEM certificates, and refused naming its variable when it is missing or holds none (a DER file, the wrong file)', async () => {
    const temp = await makeTempDir('ca-bundle');
    try {
      const good = join(temp.dir, 'ca.pem');
      await writeFile(good, createTestCa().certificatePem);
      expect(readConfiguredFile(good, 'caBundlePath')).toContain('BEGIN CERTIFICATE');
      // Windows line ends, OpenSSL's TRUSTED form and text between the blocks are a bundle still.
      const mixed = join(temp.dir, 'mixed.pem');
      const trusted = createTestCa().certificatePem.replace(/(BEGIN|END) CERTIFICATE/g, '$1 TRUSTED CERTIFICATE');
      await writeFile(mixed, `# the office's CAs\r\n${createTestCa().certificatePem.replace(/\n/g, '\r\n')}\r\n${trusted}`);
      expect(readConfiguredFile(mixed, 'caBundlePath')).toContain('TRUSTED CERTIFICATE');
      const trustedOnly = join(temp.dir, 'trusted.pem');
      await writeFile(trustedOnly, trusted);
      expect(readConfiguredFile(trustedOnly, 'caBundlePath')).toBe(trusted);
      const der = join(temp.dir, 'ca.cer');
      await writeFile(der, Buffer.from(createTestCa().certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
      const notPem = join(temp.dir, 'notes.txt');
      await writeFile(notPem, 'not a certificate\n');
      const broken = join(temp.dir, 'broken.pem');
      await writeFile(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      for (const [path, field, variable] of [
        [join(temp.dir, 'missing.pem'), 'caBundlePath', 'RINNOVO_CA_BUNDLE'],
        [der, 'caBundlePath', 'RINNOVO_CA_BUNDLE'],
        [notPem, 'chamberCaBundlePath', 'RINNOVO_CHAMBER_CAS'],
        [broken, 'caBundlePath', 'RINNOVO_CA_BUNDLE'],
        // The Chamber CAs are read as plain certificates: TRUSTED blocks alone would leave none, and every issued certificate refused after payment.
        [trustedOnly, 'chamberCaBundlePath', 'RINNOVO_CHAMBER_CAS'],
      ] as const) {
        const refused = (() => {
          try {
            readConfiguredFile(path, field);
            return undefined;
          } catch (error) {
            return error;
          }
        })();
        expect(isAppError(refused) && [refused.code, refused.detail], path).toEqual(['COMMAND_OPTION_INVALID', { option: variable }]);
      }
    } finally {
      await temp.remove();
    }
  });
});
