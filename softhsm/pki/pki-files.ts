/**
 * The lab PKI on disk: one PEM file per certificate and per key, named for what it is, so an
 * operator can point `openssl verify -CAfile` or a browser at them directly.
 */
import { join } from 'node:path';
import forge from 'node-forge';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';
import { attributeText } from './distinguished-name.js';
import type { CaMaterial, LabPki } from './pki-material.js';

type StoredPki = Omit<LabPki, 'dir'>;

const caFiles = {
  root: 'root-ca',
  signatureCa: 'signature-ca',
  cnsCa: 'cns-ca',
  foreignCa: 'foreign-ca',
} as const;

const tlsFiles = { ca: 'tls-ca', server: 'tls-server' } as const;

const publicMode = 0o644;
const privateMode = 0o600;

function certificateFile(dir: string, base: string): string {
  return join(dir, `${base}.crt.pem`);
}

function keyFile(dir: string, base: string): string {
  return join(dir, `${base}.key.pem`);
}

async function readCa(dir: string, base: string): Promise<CaMaterial | undefined> {
  const [certificatePem, privateKeyPem] = await Promise.all([readFileIfExists(certificateFile(dir, base)), readFileIfExists(keyFile(dir, base))]);
  if (certificatePem === undefined || privateKeyPem === undefined) return undefined;
  const name = attributeText(forge.pki.certificateFromPem(certificatePem).subject, 'commonName') ?? base;
  return { name, certificatePem, privateKeyPem };
}

/** The PKI kept in `dir`, or undefined when it is not (completely) there. */
export async function readPkiFiles(dir: string): Promise<StoredPki | undefined> {
  const [root, signatureCa, cnsCa, foreignCa, tlsCa, server] = await Promise.all([
    readCa(dir, caFiles.root),
    readCa(dir, caFiles.signatureCa),
    readCa(dir, caFiles.cnsCa),
    readCa(dir, caFiles.foreignCa),
    readCa(dir, tlsFiles.ca),
    readCa(dir, tlsFiles.server),
  ]);
  if (!root || !signatureCa || !cnsCa || !foreignCa || !tlsCa || !server) return undefined;
  return { root, signatureCa, cnsCa, foreignCa, tls: { ca: tlsCa, serverCertificatePem: server.certificatePem, serverPrivateKeyPem: server.privateKeyPem } };
}

export async function writePkiFiles(dir: string, pki: StoredPki): Promise<void> {
  const writes: [string, string, number][] = [];
  for (const [field, base] of Object.entries(caFiles) as [keyof typeof caFiles, string][]) {
    writes.push([certificateFile(dir, base), pki[field].certificatePem, publicMode], [keyFile(dir, base), pki[field].privateKeyPem, privateMode]);
  }
  writes.push(
    [certificateFile(dir, tlsFiles.ca), pki.tls.ca.certificatePem, publicMode],
    [keyFile(dir, tlsFiles.ca), pki.tls.ca.privateKeyPem, privateMode],
    [keyFile(dir, tlsFiles.server), pki.tls.serverPrivateKeyPem, privateMode],
  );
  await Promise.all(writes.map(([path, pem, mode]) => writeFileAtomic(path, pem, mode)));
  // Last, so a PKI interrupted half-way is never read as complete.
  await writeFileAtomic(certificateFile(dir, tlsFiles.server), pki.tls.serverCertificatePem, publicMode);
}
