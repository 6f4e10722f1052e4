/**
 * The helpdesk CLI's own answers, through the real command, on commands that end quickly: the
 * usage, a refusal before the PIN is asked, `status` and `resume` on a card with nothing to
 * finish, `support-bundle` saying where it wrote, and `--proxy` named in the proxy's message.
 * One lab (a card on its last PIN try) serves every command that needs a device.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFacts } from '../../../softhsm/bundle/read-bundle.js';
import { startForwardProxy } from '../../../softhsm/network/forward-proxy.js';
import { findScenario } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { setUpScenario, type ScenarioLab } from '../../../softhsm/scenarios/set-up-scenario.js';
import { exitCodeFor } from '../../../src/main/cli/exit-codes.js';
import { describeError } from '../../../src/shared/errors/catalogue.js';
import { runCli } from '../../support/run-cli.js';
import { makeTempDir } from '../../support/temp-dir.js';

const stackTrace = /\n\s+at /;

describe('rinnovo-cns without a device', () => {
  it('answers --help in Italian (English with --lang en; one JSON object with --json), an unknown command or option with the usage, never a stack trace', async () => {
    const [italian, english, unknown, badOption, asJson] = await Promise.all([
      runCli(['--help'], {}),
      runCli(['--help', '--lang', 'en'], {}),
      runCli(['frobnicate'], {}),
      runCli(['status', '--frobnicate'], {}),
      runCli(['--help', '--json'], {}),
    ]);
    expect(italian.code).toBe(0);
    expect(italian.stdout).toMatch(/^Uso: rinnovo-cns/);
    expect(italian.stdout).toContain('--proxy URL');
    expect(english.stdout).toMatch(/^Usage: rinnovo-cns/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('La riga di comando non è valida: «frobnicate» non è un comando né un\'opzione del programma.');
    expect(unknown.stderr).toContain('Uso: rinnovo-cns');
    expect(badOption.code).toBe(2);
    // In the holder's language, not Node's parser's English.
    expect(badOption.stderr).toMatch(/^La riga di comando non è valida: «--frobnicate» non è un comando né un'opzione del programma\./);
    expect(badOption.stderr).not.toMatch(/Unknown option|positional/);
    expect(badOption.stderr).toContain('Uso: rinnovo-cns');
    // Under --json, the one JSON object a script reads, the usage inside it.
    expect(asJson.code).toBe(0);
    expect(asJson.stdout.trim().split('\n')).toHaveLength(1);
    expect(asJson.json).toEqual({ ok: true, usage: italian.stdout.trimEnd() });
    for (const run of [italian, english, unknown, badOption, asJson]) expect(run.stderr).not.toMatch(stackTrace);
  });
});

describe('rinnovo-cns on a card with nothing to finish', () => {
  let lab: ScenarioLab;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const temp = await makeTempDir('cli-words');
    remove = temp.remove;
    // The card's last PIN try: a renewal that asked for the PIN here would cost the holder the card.
    lab = await setUpScenario(findScenario('pin-final-try')!, temp.dir, { toolVersion: '1.0.0' });
  });
  afterAll(async () => {
    await lab?.close();
    await remove?.();
  });

  it('renew without --pay refuses before the PIN is asked: the card is never touched', async () => {
    const result = await runCli(['renew'], { ...lab.env, RINNOVO_PIN: lab.pin });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[COMMAND_OPTION_MISSING]');
    expect(result.stderr).toContain(describeError('COMMAND_OPTION_MISSING', 'it', { option: '--pay' }).message);
    expect(result.stderr).toContain('Il PIN non è stato chiesto');
    const log = await readFile(join(lab.env.RINNOVO_DATA_DIR!, 'logs', 'cli.log'), 'utf8');
    expect(log).not.toMatch(/"method":"login"|"step":"pin"/);
    const english = await runCli(['renew', '--pay', 'telemaco', '--lang', 'en'], lab.env);
    expect(english.stderr).toContain(describeError('COMMAND_OPTION_MISSING', 'en', { option: '--user' }).message);
  });

  it('status says the PIN state in words, resume says there is nothing to resume, support-bundle says where it wrote', async () => {
    const status = await runCli(['status'], lab.env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('PIN: rimane un solo tentativo');
    expect(status.stdout).toContain('Nessun rinnovo interrotto.');
    expect(status.stdout).not.toMatch(/(?<![\w-])(final-try|count-low)|Sblocchi il dispositivo/);

    const resume = await runCli(['resume', '--lang', 'en'], lab.env);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain('No interrupted renewal to finish on this computer');

    const bundle = await runCli(['support-bundle'], lab.env);
    expect(bundle.code, bundle.stderr).toBe(0);
    const path = /Pacchetto di supporto salvato in: (\S+\.tar\.gz)/.exec(bundle.stdout)?.[1];
    expect(path && existsSync(path)).toBe(true);
  });

  it('--proxy sends the service calls through the proxy given, and a proxy message names --proxy', async () => {
    // Nothing listens on port 9 of the loopback: the proxy cannot be reached.
    const result = await runCli(['doctor', '--proxy', 'http://127.0.0.1:9'], { ...lab.env, NO_PROXY: '', no_proxy: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\[(NETWORK_PROXY_UNREACHABLE|SERVICE_UNREACHABLE)[\] ]/);
    expect(result.stderr).toContain('Dal terminale: --proxy');
    const invalid = await runCli(['doctor', '--proxy', 'ftp://proxy'], lab.env);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('[COMMAND_OPTION_INVALID]');
  });

  it('--proxy wins over a manual proxy saved in the window: the operator\'s proxy carries the calls, as the CLI\'s own advice says it will', async () => {
    const settingsPath = join(lab.env.RINNOVO_DATA_DIR!, 'settings.json');
    // Saved by the window: a proxy where nothing listens now (port 9 of the loopback).
    await mkdir(lab.env.RINNOVO_DATA_DIR!, { recursive: true });
    await writeFile(settingsPath, JSON.stringify({ locale: 'it', proxy: { host: '127.0.0.1', port: 9, username: null, encryptedPassword: null } }));
    const proxy = await startForwardProxy();
    try {
      const saved = await runCli(['doctor', '--json'], lab.env);
      expect((saved.json as { error?: { code?: string } } | undefined)?.error?.code, saved.stderr).toBe('NETWORK_PROXY_UNREACHABLE');
      const given = await runCli(['doctor', '--json', '--proxy', `http://${proxy.host}:${proxy.port}`], { ...lab.env, NO_PROXY: '', no_proxy: '' });
      // Past the network's checks, through the proxy given: the doctor goes on to the card (and asks for the PIN it was not given).
      expect((given.json as { error?: { code?: string } } | undefined)?.error?.code, given.stderr).toBe('PIN_FORMAT_INVALID');
      expect(proxy.forwarded.length).toBeGreaterThan(0);
    } finally {
      await proxy.close();
      await rm(settingsPath, { force: true });
    }
  });

  it('status when nothing works (the service out of reach) reports it with that failure\'s exit code and its one JSON object, not "ok"', async () => {
    const result = await runCli(['status', '--json', '--service', 'https://127.0.0.1:9/v1/'], lab.env);
    expect(result.json, result.stderr).toMatchObject({ command: 'status', ok: false, error: { code: 'SERVICE_UNREACHABLE' } });
    expect(result.code).toBe(exitCodeFor('SERVICE_UNREACHABLE'));
    expect(result.stderr).toContain(describeError('SERVICE_UNREACHABLE', 'it').message);
  });

  it('status run between a failed attempt and the support bundle leaves the attempt\'s ending in the bundle (the helpdesk rebuilds that one)', async () => {
    const attempt = await runCli(['doctor', '--json', '--proxy', 'http://127.0.0.1:9'], { ...lab.env, NO_PROXY: '', no_proxy: '' });
    const code = (attempt.json as { error?: { code?: string } } | undefined)?.error?.code;
    expect(code, attempt.stderr).toMatch(/^(NETWORK_PROXY_UNREACHABLE|SERVICE_UNREACHABLE)$/);
    expect((await runCli(['status'], lab.env)).code).toBe(0);
    const bundle = await runCli(['support-bundle', '--json'], lab.env);
    const facts = await readBundleFacts((bundle.json as { path: string }).path);
    expect(facts.outcome).toMatchObject({ error: { code } });
  });
});
