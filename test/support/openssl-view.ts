/**
 * What OpenSSL and OpenSC say about a certificate or a token, asked the way a helpdesk operator
 * would: the answers are text, parsed only as far as the assertions need.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandText } from '../../softhsm/commands/command-runner.js';
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';
import { chainPem, type LabPki } from '../../softhsm/pki/lab-pki.js';
import type { SoftHsmEnvironment } from '../../softhsm/token/softhsm-environment.js';
import { runTool } from '../../softhsm/token/token-tools.js';
import { listedTokens, softHsmSlot, type Pkcs11Device } from './pkcs11-tool.js';

const run = commandText;

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-openssl-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const answered = new Map<string, Promise<string>>();

/**
 * What OpenSSL prints about these exact certificate bytes, asked once per test worker: the same
 * question about the same bytes has the same answer, and tokens copied from one template hold
 * the same certificates in every scenario of a run.
 */
function opensslAnswer(pem: string, question: string, ask: () => Promise<string>): Promise<string> {
  const key = `${question}\n${pem}`;
  let answer = answered.get(key);
  if (!answer) {
    answer = ask();
    answered.set(key, answer);
    answer.catch(() => answered.delete(key));
  }
  return answer;
}

/** `openssl x509 -text`, names printed as UTF-8 the way an operator reads them. */
export async function x509Text(pem: string): Promise<string> {
  return opensslAnswer(pem, '-text', () =>
    inTempDir(async (dir) => {
      await writeFile(join(dir, 'cert.pem'), pem);
      return (await run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'])).stdout;
    }),
  );
}

export async function x509Field(pem: string, flag: '-subject' | '-issuer' | '-pubkey' | '-enddate' | '-serial'): Promise<string> {
  return opensslAnswer(pem, flag, () =>
    inTempDir(async (dir) => {
      await writeFile(join(dir, 'cert.pem'), pem);
      return (await run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', flag, '-nameopt', 'utf8,sep_comma_plus_space'])).stdout.trim();
    }),
  );
}

/** `openssl verify -CAfile`: OK, or what it objects to. */
export async function verify(chainPem: string, pem: string, at?: Date): Promise<{ ok: boolean; output: string }> {
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'chain.pem'), chainPem);
    await writeFile(join(dir, 'cert.pem'), pem);
    const when = at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : [];
    const output = await run('openssl', ['verify', ...when, '-CAfile', join(dir, 'chain.pem'), join(dir, 'cert.pem')]).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    return { ok: /: OK\s*$/.test(output), output };
  });
}

/**
 * `openssl verify` against the lab chain of the certificate's kind, now or `at` (the lab service's
 * time, where a test moved its clock on: what it signed then is not valid yet by the wall clock).
 */
export async function verifiesAgainstLab(pki: LabPki, kind: CertificateKind, pem: string, at?: Date): Promise<boolean> {
  return (await verify(chainPem(pki, kind), pem, at)).ok;
}

/**
 * The statement OIDs inside qcStatements. OpenSSL prints that extension as raw bytes, so parse
 * its OCTET STRING with `asn1parse -strparse`.
 */
export async function qcStatementOids(pem: string): Promise<string[]> {
  return JSON.parse(await opensslAnswer(pem, 'qcStatements', async () => JSON.stringify(await qcStatementOidsAsked(pem)))) as string[];
}

async function qcStatementOidsAsked(pem: string): Promise<string[]> {
  return inTempDir(async (dir) => {
    const file = join(dir, 'cert.pem');
    await writeFile(file, pem);
    const lines = (await run('openssl', ['asn1parse', '-in', file])).stdout.split('\n');
    const at = lines.findIndex((line) => /OBJECT\s+:qcStatements/.test(line));
    if (at < 0) return [];
    const octets = lines.slice(at + 1).find((line) => /OCTET STRING/.test(line));
    const offset = /^\s*(\d+):/.exec(octets ?? '')?.[1];
    if (!offset) return [];
    const inner = (await run('openssl', ['asn1parse', '-in', file, '-strparse', offset])).stdout;
    return [...inner.matchAll(/OBJECT\s+:(\S+)/g)].map((match) => match[1] ?? '');
  });
}

/** The kind an operator reads off `openssl x509 -text`, never off the object label. */
export async function kindSeenByOpenssl(pem: string): Promise<CertificateKind | 'unclear'> {
  const text = await x509Text(pem);
  const qualified = (await qcStatementOids(pem)).includes('0.4.0.1862.1.1') && /Key Usage: critical\s+Non Repudiation\n/.test(text);
  const cns = /Key Usage: critical\s+Digital Signature/.test(text) && text.includes('TLS Web Client Authentication') && text.includes('Policy: 1.3.76.16.2.1');
  if (qualified === cns) return 'unclear';
  return qualified ? 'signature' : 'cns';
}

export interface TokenObject {
  readonly type: string;
  readonly id: string;
  readonly label: string;
  /** pkcs11-tool's summary line, e.g. "RSA 2048 bits" on a public key. */
  readonly heading: string;
  readonly access: string;
  readonly usage: string;
}

/** The token's own SoftHSM, as pkcs11-tool loads it. */
function softHsm(environment: SoftHsmEnvironment): Pkcs11Device {
  return { modulePath: environment.modulePath, env: environment.env };
}

function slotOf(environment: SoftHsmEnvironment, tokenLabel: string): Promise<string[]> {
  return softHsmSlot(softHsm(environment), tokenLabel);
}

/** `pkcs11-tool -O -l --pin`: every object of one token, as the operator sees them. */
export async function tokenObjects(environment: SoftHsmEnvironment, tokenLabel: string, pin: string): Promise<TokenObject[]> {
  const listing = await runTool(environment, 'pkcs11-tool', [...(await slotOf(environment, tokenLabel)), '-O', '-l', '--pin', pin]);
  return listing
    .split(/\n(?=\S)/)
    .filter((block) => /Object;/.test(block))
    .map((block) => ({
      type: /^([\w ]+?) Object/.exec(block)?.[1] ?? '',
      heading: /Object;\s*(.*)/.exec(block)?.[1]?.trim() ?? '',
      id: /ID:\s+(\S+)/.exec(block)?.[1] ?? '',
      label: /label:\s+(.*)/.exec(block)?.[1]?.trim() ?? '',
      access: /Access:\s+(.*)/.exec(block)?.[1] ?? '',
      usage: /Usage:\s+(.*)/.exec(block)?.[1] ?? '',
    }));
}

/** Labels of the tokens `pkcs11-tool -L` shows in this SoftHSM environment. */
export async function tokenLabels(environment: SoftHsmEnvironment): Promise<string[]> {
  return (await listedTokens(softHsm(environment))).map((entry) => entry.label);
}

/** The certificate with CKA_ID `id`, read off the token with pkcs11-tool and turned into PEM by openssl. */
export async function certificateOnToken(environment: SoftHsmEnvironment, tokenLabel: string, id: string): Promise<string> {
  return inTempDir(async (dir) => {
    const der = join(dir, 'cert.der');
    await runTool(environment, 'pkcs11-tool', [...(await slotOf(environment, tokenLabel)), '--read-object', '--type', 'cert', '--id', id, '--output-file', der]);
    return (await run('openssl', ['x509', '-inform', 'DER', '-in', der])).stdout;
  });
}

/** The key with CKA_ID `id` signs on the token and `openssl dgst -verify` accepts it with the certificate's key. */
export async function keySignsForCertificate(environment: SoftHsmEnvironment, tokenLabel: string, pin: string, id: string, pem: string): Promise<boolean> {
  return inTempDir(async (dir) => {
    const data = join(dir, 'data');
    const signature = join(dir, 'data.sig');
    await writeFile(data, 'proof that key and certificate belong together');
    // A key that cannot sign (gone, or not there) makes no working pair: an answer, not a crash.
    const signed = await runTool(environment, 'pkcs11-tool', [...(await slotOf(environment, tokenLabel)), '-l', '--pin', pin, '--sign', '--id', id, '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', signature]).then(
      () => true,
      () => false,
    );
    if (!signed) return false;
    await writeFile(join(dir, 'pub.pem'), await x509Field(pem, '-pubkey'));
    const { stdout } = await run('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', signature, data]).catch((error: { stdout?: string }) => ({
      stdout: error.stdout ?? '',
    }));
    return stdout.includes('Verified OK');
  });
}

/**
 * A renewal request as an operator would make one with OpenSSL: a fresh RSA-2048 key and a CSR
 * that copies the old certificate's subject (`x509 -x509toreq`), DER in base64.
 */
export async function csrRenewing(pem: string): Promise<string> {
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'old.pem'), pem);
    await run('openssl', ['genrsa', '-out', join(dir, 'new.key'), '2048']);
    await run('openssl', ['x509', '-x509toreq', '-in', join(dir, 'old.pem'), '-key', join(dir, 'new.key'), '-sha256', '-out', join(dir, 'csr.pem')]);
    // Through `req`: OpenSSL 3.0's `x509 -x509toreq -outform DER` writes its text dump before the DER.
    await run('openssl', ['req', '-in', join(dir, 'csr.pem'), '-outform', 'DER', '-out', join(dir, 'csr.der')]);
    return (await readFile(join(dir, 'csr.der'))).toString('base64');
  });
}

/** The DER of a PEM certificate, base64 (what the service API carries). */
export function derBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
