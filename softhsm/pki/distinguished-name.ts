/**
 * Distinguished names written the way Italian qualified certificates write them: countryName,
 * serialNumber and dnQualifier as PrintableString, every name as UTF8String so "Niccolò
 * D'Àlessandro" survives, in the order given.
 */
import forge from 'node-forge';

const attributeOids = {
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  organizationIdentifier: '2.5.4.97',
  commonName: '2.5.4.3',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  dnQualifier: '2.5.4.46',
} as const;

export type AttributeName = keyof typeof attributeOids;

export type DistinguishedName = readonly { readonly type: AttributeName; readonly value: string }[];

const printableAttributes: ReadonlySet<AttributeName> = new Set(['countryName', 'serialNumber', 'dnQualifier']);

/** node-forge fields; forge UTF-8-encodes a UTF8String value itself when it writes the DER. */
export function toForgeName(name: DistinguishedName): forge.pki.CertificateField[] {
  return name.map(({ type, value }) => ({
    type: attributeOids[type],
    value,
    valueTagClass: (printableAttributes.has(type) ? forge.asn1.Type.PRINTABLESTRING : forge.asn1.Type.UTF8) as number,
  })) as forge.pki.CertificateField[];
}

/** An attribute of a parsed name as text: parsed UTF8String values are raw bytes until decoded. */
export function attributeText(name: { attributes: forge.pki.CertificateField[] }, type: AttributeName): string | undefined {
  const attribute = name.attributes.find((candidate) => candidate.type === attributeOids[type]);
  if (!attribute || typeof attribute.value !== 'string') return undefined;
  return (attribute.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(attribute.value) : attribute.value;
}

/** A parsed name as fields forge writes back byte for byte (decoding UTF8String values first). */
export function copyName(name: { attributes: forge.pki.CertificateField[] }): forge.pki.CertificateField[] {
  return name.attributes.map((attribute) => ({
    type: attribute.type,
    value: (attribute.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 ? forge.util.decodeUtf8(String(attribute.value)) : attribute.value,
    valueTagClass: attribute.valueTagClass,
  })) as forge.pki.CertificateField[];
}
