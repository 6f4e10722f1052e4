/**
 * A gateway on loopback in front of the lab renewal service, for the paths no honest network
 * takes: answers lost after the service acted (the connection dropped, or cut halfway through
 * the body), and a hostile man in the middle that swaps every certificate the service hands out.
 *
 * It terminates TLS with the lab service's own certificate, so the tool talks to it as to the
 * service; what it does is counted, so a test can tell a rule fired.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import type { CertificateKind } from '../../src/shared/domain/certificate-kind.js';
import { issueHolderCertificate } from '../pki/holder-certificate.js';
import { chamberIssuer, type LabPki } from '../pki/lab-pki.js';
import { sendJson } from '../service/http-exchange.js';

/** What a hostile gateway puts in place of an issued certificate. */
export type HostileRewrite = 'other-holder' | 'other-key' | 'wrong-kind' | 'untrusted-chain' | 'expired' | 'garbage';
export const hostileRewrites: readonly HostileRewrite[] = ['other-holder', 'other-key', 'wrong-kind', 'untrusted-chain', 'expired', 'garbage'];

/** Which answers go astray: by method and path pattern, how many times, and how. */
export interface LossRule {
  readonly method: 'GET' | 'POST';
  readonly path: RegExp;
  /**
   * `drop`: the service acted, the answer never arrives; `cut`: half the body, then the connection
   * closes; `refuse`: the request never reaches the service, which is "in maintenance" (503);
   * `hold`: the service acted, and the answer waits on a line that stays open (a test kills the
   * tool meanwhile: the renewal stopped with the certificate issued and not yet on the card).
   */
  readonly how: 'drop' | 'cut' | 'refuse' | 'hold';
  times: number;
}

export interface GatewayOptions {
  readonly pki: LabPki;
  /** The service's API base URL (`https://127.0.0.1:port/v1/`). */
  readonly target: string;
  readonly losses?: LossRule[];
  readonly rewrite?: HostileRewrite;
}

export interface ServiceGateway {
  /** The API base URL to give the tool instead of the service's. */
  readonly url: string;
  /** Answers dropped or cut so far, and certificates swapped. */
  readonly fired: { lost: number; rewritten: number };
  readonly losses: LossRule[];
  close(): Promise<void>;
}

const day = 86_400_000;

export async function startServiceGateway(options: GatewayOptions): Promise<ServiceGateway> {
  const target = new URL(options.target);
  const losses = options.losses ?? [];
  const fired = { lost: 0, rewritten: 0 };
  const server: Server = createServer({ key: options.pki.tls.serverPrivateKeyPem, cert: options.pki.tls.serverCertificatePem, keepAliveTimeout: 60_000 }, (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const matches = (candidate: LossRule) => candidate.times > 0 && candidate.method === incoming.method && candidate.path.test(incoming.url ?? '');
      const refusal = losses.find((candidate) => candidate.how === 'refuse' && matches(candidate));
      if (refusal) {
        refusal.times -= 1;
        fired.lost += 1;
        sendJson(outgoing, 503, { error: { code: 'SERVICE_UNAVAILABLE', detail: {} } });
        return;
      }
      const forward = httpsRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
          ca: options.pki.tls.ca.certificatePem,
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            let payload = Buffer.concat(answerChunks);
            const rule = losses.find((candidate) => candidate.how !== 'refuse' && matches(candidate));
            if (rule) {
              rule.times -= 1;
              fired.lost += 1;
              if (rule.how === 'drop') {
                outgoing.socket?.destroy();
                return;
              }
              if (rule.how === 'hold') return;
              outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(payload.length) });
              outgoing.write(payload.subarray(0, Math.floor(payload.length / 2)));
              setTimeout(() => outgoing.socket?.destroy(), 20);
              return;
            }
            if (options.rewrite && answer.statusCode === 200 && (answer.headers['content-type'] ?? '').includes('json')) {
              const rewritten = rewriteCertificates(payload.toString('utf8'), options.pki, options.rewrite);
              if (rewritten.count > 0) {
                fired.rewritten += rewritten.count;
                payload = Buffer.from(rewritten.text, 'utf8');
              }
            }
            outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(payload.length) });
            outgoing.end(payload);
          });
        },
      );
      forward.on('error', () => outgoing.socket?.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}${target.pathname}`,
    fired,
    losses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Swaps every issued certificate in an answer (issuance, or a renewal's record). */
function rewriteCertificates(text: string, pki: LabPki, rewrite: HostileRewrite): { text: string; count: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, count: 0 };
  }
  let count = 0;
  const swap = (issued: Record<string, unknown>) => {
    if (typeof issued.certificate !== 'string' || typeof issued.kind !== 'string' || !Array.isArray(issued.chain)) return;
    const forged = forge_(issued.certificate, issued.kind as CertificateKind, pki, rewrite);
    issued.certificate = forged.certificate;
    issued.chain = forged.chain;
    count++;
  };
  const record = value as Record<string, unknown>;
  if (record && typeof record === 'object') {
    if ('certificate' in record && 'renewedSerial' in record) swap(record);
    if (Array.isArray(record.issued)) for (const issued of record.issued) swap(issued as Record<string, unknown>);
  }
  return { text: JSON.stringify(value), count };
}

function derOf(pem: string): string {
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes());
}

let generatedKeyOnNoCard: string | undefined;

/**
 * A public key no device holds, for the 'other-key' forgery: made once per process, when first
 * needed (an RSA-2048 generation is up to a second of CPU, and only this forgery uses it). Every
 * forgery is checked against the key on the card, which it never is.
 */
function keyOnNoCard(): string {
  generatedKeyOnNoCard ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return generatedKeyOnNoCard;
}

/** The forgery: same serial and shape, one thing wrong (named by `rewrite`). */
function forge_(derBase64: string, kind: CertificateKind, pki: LabPki, rewrite: HostileRewrite): { certificate: string; chain: string[] } {
  const genuine = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.decode64(derBase64)));
  const genuinePem = forge.pki.certificateToPem(genuine);
  const chain = [derOf(chamberIssuer(pki, kind).certificatePem), derOf(pki.root.certificatePem)];
  if (rewrite === 'garbage') return { certificate: Buffer.from('this is not a certificate').toString('base64'), chain };
  const now = new Date();
  const base = {
    kind,
    holder: { givenName: 'Mario', surname: 'Rossi', fiscalCode: 'RSSMRA80A01H501U' },
    publicKeyPem: forge.pki.publicKeyToPem(genuine.publicKey as forge.pki.rsa.PublicKey),
    issuer: chamberIssuer(pki, kind),
    notBefore: now,
    notAfter: new Date(now.getTime() + 3 * 365 * day),
    serialHex: genuine.serialNumber,
    subjectFrom: genuinePem,
  };
  let pem: string;
  switch (rewrite) {
    case 'other-holder': {
      const { subjectFrom: _unused, ...withoutSubject } = base;
      pem = issueHolderCertificate(withoutSubject);
      break;
    }
    case 'other-key':
      pem = issueHolderCertificate({ ...base, publicKeyPem: keyOnNoCard() });
      break;
    case 'wrong-kind':
      pem = issueHolderCertificate({ ...base, kind: kind === 'cns' ? 'signature' : 'cns' });
      break;
    case 'untrusted-chain':
      pem = issueHolderCertificate({ ...base, issuer: pki.foreignCa });
      return { certificate: derOf(pem), chain: [derOf(pki.foreignCa.certificatePem)] };
    case 'expired':
      pem = issueHolderCertificate({ ...base, notBefore: new Date(now.getTime() - 4 * 365 * day), notAfter: new Date(now.getTime() - day) });
      break;
  }
  return { certificate: derOf(pem), chain };
}
