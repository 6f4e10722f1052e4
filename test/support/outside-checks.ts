/**
 * Checks of a token made from outside the project's code: OpenSC's pkcs11-tool and OpenSSL,
 * as a helpdesk operator would run them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chainPem, type LabPki } from '../../softhsm/pki/lab-pki.js';
import type { SoftHsmEnvironment } from '../../softhsm/token/softhsm-environment.js';
import { runTool } from '../../softhsm/token/token-tools.js';

const run = promisify(execFile);

export interface TokenObject {
  readonly type: string;
  readonly id: string;
  readonly label: string;
}

/** `pkcs11-tool -O -l` of every token, parsed into objects. */
export async function listObjects(environment: SoftHsmEnvironment, pin: string, tokenLabel?: string): Promise<TokenObject[]> {
  const listing = await runTool(environment, 'pkcs11-tool', [...(tokenLabel ? ['--token-label', tokenLabel] : []), '-O', '-l', '--pin', pin]);
  return listing
    .split(/\n(?=\S)/)
    .filter((block) => /Object;/.test(block))
    .map((block) => ({
      type: /^([\w ]+?) Object/.exec(block)?.[1] ?? '',
      id: /ID:\s+(\S+)/.exec(block)?.[1] ?? '',
      label: /label:\s+(.*)/.exec(block)?.[1]?.trim() ?? '',
    }));
}

/** Reads the certificate with CKA_ID `id` as PEM, through pkcs11-tool and openssl. */
export async function readCertificate(environment: SoftHsmEnvironment, id: string, tokenLabel?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-cert-'));
  try {
    const der = join(dir, 'cert.der');
    await runTool(environment, 'pkcs11-tool', [...(tokenLabel ? ['--token-label', tokenLabel] : []), '--read-object', '--type', 'cert', '--id', id, '--output-file', der]);
    return (await run('openssl', ['x509', '-inform', 'DER', '-in', der])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function opensslText(pem: string, args: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-x509-'));
  try {
    const file = join(dir, 'cert.pem');
    await writeFile(file, pem);
    return (await run('openssl', ['x509', '-in', file, '-noout', ...args])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `openssl verify` against the lab chain of the certificate's kind. */
export async function verifiesAgainstLab(pki: LabPki, kind: 'signature' | 'cns', pem: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-verify-'));
  try {
    await writeFile(join(dir, 'chain.pem'), chainPem(pki, kind));
    await writeFile(join(dir, 'cert.pem'), pem);
    const { stdout } = await run('openssl', ['verify', '-CAfile', join(dir, 'chain.pem'), join(dir, 'cert.pem')]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return stdout.includes(': OK');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The key `id` signs on the token (pkcs11-tool) and the signature verifies with certificate `pem` (openssl). */
export async function pairWorks(environment: SoftHsmEnvironment, pin: string, id: string, pem: string, tokenLabel?: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-pair-'));
  try {
    const data = join(dir, 'data');
    const signature = join(dir, 'data.sig');
    const publicKey = join(dir, 'pub.pem');
    await writeFile(data, 'does this pair work?');
    await runTool(environment, 'pkcs11-tool', [...(tokenLabel ? ['--token-label', tokenLabel] : []), '-l', '--pin', pin, '--sign', '--id', id, '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]);
    await writeFile(join(dir, 'cert.pem'), pem);
    await writeFile(publicKey, (await run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-pubkey'])).stdout);
    const { stdout } = await run('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, data]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return stdout.includes('Verified OK');
  } catch {
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
