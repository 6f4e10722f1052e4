/**
 * The device process loads the card vendor's library and lives for the session: it starts without
 * the PIN, the account password or proxy credentials the CLI was given, and with what the card
 * software needs.
 */
import { describe, expect, it } from 'vitest';
import { deviceProcessEnvironment } from '../../../src/main/device/device-process-environment.js';

describe('the device process environment', () => {
  it('holds no secret given to the CLI, and keeps what the card software reads', () => {
    const env = deviceProcessEnvironment({
      PATH: '/usr/bin',
      LANG: 'it_IT.UTF-8',
      SOFTHSM2_CONF: '/tmp/softhsm2.conf',
      BIT4ID_LOG: '0',
      RINNOVO_PIN: '48151623',
      RINNOVO_SIGNATURE_PIN: '99887766',
      RINNOVO_ACCOUNT_PASSWORD: 'telemaco-segreta-42',
      HTTPS_PROXY: 'http://mrossi:Proxy-Pw-77@proxy.example:3128',
      https_proxy: 'http://mrossi:Proxy-Pw-77@proxy.example:3128',
      ALL_PROXY: 'socks5://mrossi:Proxy-Pw-77@proxy.example:1080',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    });
    const text = JSON.stringify(env);
    for (const secret of ['48151623', '99887766', 'telemaco-segreta-42', 'Proxy-Pw-77']) expect(text).not.toContain(secret);
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'it_IT.UTF-8', SOFTHSM2_CONF: '/tmp/softhsm2.conf', BIT4ID_LOG: '0' });
  });
});
