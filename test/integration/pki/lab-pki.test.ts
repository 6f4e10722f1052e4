import { once } from 'node:events';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCertificate, defaultChamberIssuers, isChamberIssued, kindOf } from '../../../src/main/certificates/classify-certificate.js';
import type { CertificateKind } from '../../../src/shared/domain/certificate-kind.js';
import { commandText } from '../../../softhsm/commands/command-runner.js';
import { holderFromCertificate, issueHolderCertificate } from '../../../softhsm/pki/holder-certificate.js';
import { generateRsaKeyPair } from '../../../softhsm/pki/key-material.js';
import { chainPem, chamberIssuer, createLabPki, type LabPki } from '../../../softhsm/pki/lab-pki.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { qcStatementOids, verify, x509Field, x509Text } from '../../support/openssl-view.js';

const run = commandText;
const holder = { givenName: 'Niccolò', surname: "D'Àlessandro", fiscalCode: 'DLSNCC80A01H501Z' };
const day = 86_400_000;

let temp: { dir: string; remove: () => Promise<void> };
let pki: LabPki;

beforeAll(async () => {
  temp = await makeTempDir('pki');
  pki = await createLabPki(join(temp.dir, 'pki'));
});
afterAll(async () => temp.remove());

function issue(kind: CertificateKind, extra: { publicKeyPem?: string; subjectFrom?: string; issuer?: LabPki['root'] } = {}): string {
  const now = new Date();
  return issueHolderCertificate({
    kind,
    holder,
    publicKeyPem: extra.publicKeyPem ?? generateRsaKeyPair().publicKeyPem,
    issuer: extra.issuer ?? chamberIssuer(pki, kind),
    notBefore: now,
    notAfter: new Date(now.getTime() + 3 * 365 * day),
    cardSerial: '7420000012345678',
    ...(extra.subjectFrom ? { subjectFrom: extra.subjectFrom } : {}),
  });
}

describe('holder certificates, as openssl shows them', () => {
  it('signature: InfoCamere subject layout, nonRepudiation only, qcStatements, qualified policies, accented names', async () => {
    const pem = issue('signature');
    const text = await x509Text(pem);
    expect((await verify(chainPem(pki, 'signature'), pem)).ok).toBe(true);
    expect(text).toContain('Issuer: C=IT, O=InfoCamere S.C.p.A., OU=Qualified Trust Service Provider, organizationIdentifier=VATIT-02313821007, CN=InfoCamere Qualified Electronic Signature CA');
    expect(text).toMatch(/Subject: C=IT, SN=D'Àlessandro, serialNumber=TINIT-DLSNCC80A01H501Z, CN=D'Àlessandro Niccolò, dnQualifier=SIG\d{13}, GN=Niccolò\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Non Repudiation\n/);
    expect(text).not.toContain('Extended Key Usage');
    expect(text).toContain('Policy: 1.3.76.14.1.1.1');
    expect(text).toContain('Policy: 1.3.76.16.6');
    expect(text).toContain('Policy: 0.4.0.194112.1.2');
    expect(text).not.toContain('Policy: 1.3.76.16.2.1');
    expect(await qcStatementOids(pem)).toEqual(['0.4.0.1862.1.1', '0.4.0.1862.1.3', '0.4.0.1862.1.4', '0.4.0.1862.1.5', '0.4.0.1862.1.6', '0.4.0.1862.1.6.1']);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toContain('URI:http://127.0.0.1/lab/crl/signature.crl');
    expect(text).toContain('OCSP - URI:http://127.0.0.1/lab/ocsp');
    expect(holderFromCertificate(pem)).toEqual(holder);
  });

  it('CNS: fiscal code / card serial . hash as CN, digitalSignature + keyEncipherment, clientAuth, the AgID CNS policy with its notice', async () => {
    const pem = issue('cns');
    const text = await x509Text(pem);
    expect((await verify(chainPem(pki, 'cns'), pem)).ok).toBe(true);
    expect(text).toContain('CN=InfoCamere Servizi di Certificazione');
    expect(text).toMatch(
      /Subject: CN=DLSNCC80A01H501Z\/7420000012345678\.[A-Za-z0-9+/]{27}=, GN=Niccolò, SN=D'Àlessandro, serialNumber=TINIT-DLSNCC80A01H501Z, OU=Camera di Commercio di Roma, C=IT\n/,
    );
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/Policy: 1\.3\.76\.16\.2\.1\s+User Notice:\s+Explicit Text: Identifies X\.509 authentication certificates issued for the italian National Service Card \(CNS\)/);
    expect(await qcStatementOids(pem)).toEqual([]);
    expect(text).toContain('URI:http://127.0.0.1/lab/crl/cns.crl');
    expect(holderFromCertificate(pem)).toEqual(holder);
  });

  it('each certificate names its issuer by key identifier, so chains build without guessing', async () => {
    for (const kind of ['signature', 'cns'] as const) {
      const text = await x509Text(issue(kind));
      const issuerText = await x509Text(chamberIssuer(pki, kind).certificatePem);
      const issuerKeyId = /Subject Key Identifier:\s+(\S+)/.exec(issuerText)?.[1];
      expect(issuerKeyId).toBeDefined();
      expect(text).toMatch(new RegExp(`Authority Key Identifier:\\s+(keyid:)?${issuerKeyId ?? 'missing'}`));
    }
  });

  it('a certificate of the foreign provider does not chain to the Chamber of Commerce CAs, and the app sees it as foreign', async () => {
    const pem = issue('signature', { issuer: pki.foreignCa });
    const againstChamber = await verify(chainPem(pki, 'signature'), pem);
    expect(againstChamber.ok).toBe(false);
    expect(againstChamber.output).toContain('unable to get local issuer certificate');
    expect((await verify(pki.foreignCa.certificatePem, pem)).ok).toBe(true);
    const classified = classifyCertificate(pem);
    expect(classified?.kind).toBe('signature');
    expect(classified && isChamberIssued(classified, defaultChamberIssuers)).toBe(false);
    expect(await x509Field(pem, '-issuer')).toContain('O=ArubaPEC S.p.A.');
  });
});

describe('a renewal from a CSR', () => {
  for (const kind of ['signature', 'cns'] as const) {
    it(`${kind}: a CSR from a new key, issued by the lab CA, verifies against the chain and keeps subject and kind`, async () => {
      const old = issue(kind);
      // The CSR as the tool builds it: the old certificate's subject, a new key, SHA-256.
      const keys = generateRsaKeyPair();
      const csr = forge.pki.createCertificationRequest();
      csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
      csr.setSubject(forge.pki.certificateFromPem(old).subject.attributes);
      csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
      const csrPem = forge.pki.certificationRequestToPem(csr);
      const csrFile = join(temp.dir, `${kind}.csr`);
      await writeFile(csrFile, csrPem);
      const csrCheck = await run('openssl', ['req', '-in', csrFile, '-noout', '-verify', '-text']);
      expect(csrCheck.stdout + csrCheck.stderr).toMatch(/verify OK/i);
      expect(csrCheck.stdout).toContain('Signature Algorithm: sha256WithRSAEncryption');

      const parsed = forge.pki.certificationRequestFromPem(csrPem);
      const renewed = issue(kind, { publicKeyPem: forge.pki.publicKeyToPem(parsed.publicKey as forge.pki.rsa.PublicKey), subjectFrom: old });

      expect((await verify(chainPem(pki, kind), renewed)).ok).toBe(true);
      expect(await x509Field(renewed, '-subject')).toBe(await x509Field(old, '-subject'));
      expect(kindOf(forge.pki.certificateFromPem(renewed))).toBe(kind);
      expect(holderFromCertificate(renewed)).toEqual(holder);
      const csrKey = (await run('openssl', ['req', '-in', csrFile, '-noout', '-pubkey'])).stdout.trim();
      expect(await x509Field(renewed, '-pubkey')).toBe(csrKey);
      expect(await x509Field(renewed, '-pubkey')).not.toBe(await x509Field(old, '-pubkey'));
    });
  }
});

describe('the PKI on disk', () => {
  it('is a folder of PEM files openssl can use directly, and loading it again gives the same CAs', async () => {
    const files = (await readdir(pki.dir)).sort();
    expect(files).toEqual(
      ['cns-ca', 'foreign-ca', 'root-ca', 'signature-ca', 'tls-ca', 'tls-server'].flatMap((base) => [`${base}.crt.pem`, `${base}.key.pem`]).sort(),
    );
    for (const ca of ['signature-ca', 'cns-ca']) {
      const { stdout } = await run('openssl', ['verify', '-CAfile', join(pki.dir, 'root-ca.crt.pem'), join(pki.dir, `${ca}.crt.pem`)]);
      expect(stdout).toContain(': OK');
    }
    const again = await createLabPki(pki.dir);
    expect(again).toEqual(pki);
    expect(again.signatureCa.name).toBe('InfoCamere Qualified Electronic Signature CA');
    expect(again.cnsCa.name).toBe('InfoCamere Servizi di Certificazione');
  });

  it('a PKI whose files are incomplete is made anew rather than half used', async () => {
    const dir = join(temp.dir, 'partial');
    const first = await createLabPki(dir);
    await rm(join(dir, 'tls-server.crt.pem'));
    const second = await createLabPki(dir);
    expect(second.root.certificatePem).not.toBe(first.root.certificatePem);
    expect((await createLabPki(dir)).root.certificatePem).toBe(second.root.certificatePem);
  });

  it('serves HTTPS on 127.0.0.1 that a client trusting the lab TLS CA accepts, and one that does not refuses', async () => {
    const server = createServer({ cert: pki.tls.serverCertificatePem, key: pki.tls.serverPrivateKeyPem }, (_request, response) => response.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const handshake = (ca: string | undefined) =>
      new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, ...(ca ? { ca } : {}) }, () => {
          resolve('trusted');
          socket.end();
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    try {
      expect(await handshake(pki.tls.ca.certificatePem)).toBe('trusted');
      expect(await handshake(undefined)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      server.close();
    }
    const text = await x509Text(pki.tls.serverCertificatePem);
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('DNS:localhost');
    expect(text).toContain('TLS Web Server Authentication');
  });
});
