import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPem, createLabPki, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { holderFromCertificate, issueHolderCertificate } from '../../../softhsm/pki/holder-certificate.js';
import { generateRsaKeyPair } from '../../../softhsm/pki/key-material.js';
import { makeTempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);
const holder = { givenName: 'Niccolò', surname: "D'Àlessandro", fiscalCode: 'DLSNCC80A01H501Z' };

describe('the lab PKI, checked with openssl', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let pki: LabPki;

  beforeAll(async () => {
    temp = await makeTempDir('pki');
    pki = await createLabPki(join(temp.dir, 'pki'));
  });
  afterAll(async () => temp.remove());

  async function issueAndShow(kind: 'signature' | 'cns') {
    const keys = generateRsaKeyPair();
    const now = new Date();
    const pem = issueHolderCertificate({
      kind,
      holder,
      publicKeyPem: keys.publicKeyPem,
      issuer: kind === 'cns' ? pki.cnsCa : pki.signatureCa,
      notBefore: now,
      notAfter: new Date(now.getTime() + 3 * 365 * 86_400_000),
      cardSerial: '7420000012345678',
    });
    const certFile = join(temp.dir, `${kind}.pem`);
    const chainFile = join(temp.dir, `${kind}-chain.pem`);
    await writeFile(certFile, pem);
    await writeFile(chainFile, chainPem(pki, kind));
    const text = (await run('openssl', ['x509', '-in', certFile, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'])).stdout;
    const verify = (await run('openssl', ['verify', '-CAfile', chainFile, certFile])).stdout;
    return { pem, text, verify };
  }

  it('issues a qualified signature certificate: nonRepudiation, qcStatements, qualified policy, TINIT serialNumber, accented names', async () => {
    const { pem, text, verify } = await issueAndShow('signature');
    expect(verify).toContain(': OK');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Non Repudiation\n/);
    expect(text).toContain('qcStatements');
    expect(text).toContain('Policy: 0.4.0.194112.1.2');
    expect(text).toContain('serialNumber=TINIT-DLSNCC80A01H501Z');
    expect(text).toContain("GN=Niccolò");
    expect(text).toContain("SN=D'Àlessandro");
    expect(text).toContain('Issuer: C=IT, O=InfoCamere S.C.p.A.');
    expect(text).toContain('CN=InfoCamere Qualified Electronic Signature CA');
    expect(text).not.toContain('TLS Web Client Authentication');
    expect(holderFromCertificate(pem)).toEqual(holder);
  });

  it('issues a CNS authentication certificate: digitalSignature, clientAuth, CNS policy, fiscal code in CN', async () => {
    const { pem, text, verify } = await issueAndShow('cns');
    expect(verify).toContain(': OK');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).toContain('Policy: 1.3.76.16.2.1');
    expect(text).toContain('CN=DLSNCC80A01H501Z/7420000012345678.');
    expect(text).toContain('CN=InfoCamere Servizi di Certificazione');
    expect(text).not.toContain('qcStatements');
    expect(holderFromCertificate(pem)).toEqual(holder);
  });

  it('keeps the same PKI across loads, and the TLS certificate names the loopback addresses', async () => {
    const again = await createLabPki(pki.dir);
    expect(again.root.certificatePem).toBe(pki.root.certificatePem);
    const serverFile = join(temp.dir, 'server.pem');
    const caFile = join(temp.dir, 'tls-ca.pem');
    await writeFile(serverFile, pki.tls.serverCertificatePem);
    await writeFile(caFile, pki.tls.ca.certificatePem);
    expect((await run('openssl', ['verify', '-CAfile', caFile, '-purpose', 'sslserver', serverFile])).stdout).toContain(': OK');
    const text = (await run('openssl', ['x509', '-in', serverFile, '-noout', '-ext', 'subjectAltName'])).stdout;
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('DNS:localhost');
  });
});
