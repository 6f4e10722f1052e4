/** What the lab PKI is made of: CA certificates with their keys, and the lab service's TLS pair. */
export interface CaMaterial {
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface LabPki {
  readonly root: CaMaterial;
  readonly signatureCa: CaMaterial;
  readonly cnsCa: CaMaterial;
  readonly foreignCa: CaMaterial;
  readonly tls: { readonly ca: CaMaterial; readonly serverCertificatePem: string; readonly serverPrivateKeyPem: string };
  readonly dir: string;
}
