/**
 * Every PKCS#11 call of the app, through pkcs11js. Runs only inside the device process: vendor
 * middleware can crash or block in C_Login / C_FindObjects (no async form in pkcs11js), and that
 * must end this process, never the app.
 */
import { endianness } from 'node:os';
import pkcs11js from 'pkcs11js';
import type { DeviceFailure, DeviceMethod, DeviceRequest, DeviceResults, TokenDescription } from './device-protocol.js';
import { keyPairTemplates } from './key-pair-templates.js';

type Handle = Buffer;

const unavailable = 0xffffffffffffffffn;

/** CK_STATE values (PKCS#11 2.40 §5.7); pkcs11js does not export them. */
const sessionStates = { readOnlyUser: 1, readWriteUser: 3 } as const;

function memory(value: number | bigint): number | null {
  const big = BigInt(value);
  if (big === unavailable || big === 0xffffffffn) return null;
  return Number(big);
}

export class DeviceOperationError extends Error {
  constructor(readonly failure: DeviceFailure) {
    super(failure.kind);
  }
}

export class Pkcs11TokenAccess {
  readonly #pkcs11 = new pkcs11js.PKCS11();
  #loaded = false;
  readonly #sessions = new Map<string, Handle>();
  readonly #loggedIn = new Set<string>();

  open({ modulePath }: DeviceRequest<'open'>): DeviceResults['open'] {
    if (!this.#loaded) {
      try {
        this.#pkcs11.load(modulePath);
      } catch (error) {
        throw new DeviceOperationError({ kind: 'load', message: error instanceof Error ? error.message : String(error) });
      }
      try {
        this.#pkcs11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
      } catch (error) {
        // Another user of the library in this process initialised it first: that is fine.
        if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw error;
      }
      this.#loaded = true;
    }
    const info = this.#pkcs11.C_GetInfo();
    return { manufacturer: info.manufacturerID.trim(), libraryDescription: info.libraryDescription.trim(), libraryVersion: `${info.libraryVersion.major}.${info.libraryVersion.minor}` };
  }

  listTokens(): TokenDescription[] {
    return this.#pkcs11.C_GetSlotList(true).flatMap((slot) => {
      const info = this.#tokenInfo(slot);
      if (!info || (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) return [];
      return [
        {
          slotIdHex: slot.toString('hex'),
          label: info.label.trim(),
          manufacturer: info.manufacturerID.trim(),
          model: info.model.trim(),
          serial: info.serialNumber.trim(),
          flags: info.flags,
          freePrivateMemory: memory(info.freePrivateMemory),
          freePublicMemory: memory(info.freePublicMemory),
          minPinLength: info.minPinLen,
          maxPinLength: info.maxPinLen,
        },
      ];
    });
  }

  countSlots(): DeviceResults['countSlots'] {
    return { slots: this.#pkcs11.C_GetSlotList(false).length, withToken: this.#pkcs11.C_GetSlotList(true).length };
  }

  readCertificates({ tokenSerial }: DeviceRequest<'readCertificates'>): DeviceResults['readCertificates'] {
    const session = this.#session(tokenSerial);
    return this.#find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).map((handle) => {
      const [id, label, value] = this.#pkcs11.C_GetAttributeValue(session, handle, [
        { type: pkcs11js.CKA_ID },
        { type: pkcs11js.CKA_LABEL },
        { type: pkcs11js.CKA_VALUE },
      ]);
      return { idHex: (id?.value as Buffer).toString('hex'), label: (label?.value as Buffer).toString('utf8'), derBase64: (value?.value as Buffer).toString('base64') };
    });
  }

  login({ tokenSerial, pin }: DeviceRequest<'login'>): DeviceResults['login'] {
    if (this.#loggedIn.has(tokenSerial)) return { alreadyLoggedIn: true };
    const session = this.#session(tokenSerial);
    try {
      // A null PIN asks the reader's PIN pad (protected authentication path). pkcs11js takes a
      // string only (undefined is a TypeError) and cannot pass NULL_PTR: an empty PIN, length 0,
      // is what it can say, and what middleware reading "no PIN" from the length takes for the pad.
      this.#pkcs11.C_Login(session, pkcs11js.CKU_USER, pin ?? '');
    } catch (error) {
      if (!(error instanceof pkcs11js.Pkcs11Error && error.code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) throw error;
    }
    this.#loggedIn.add(tokenSerial);
    return { alreadyLoggedIn: false };
  }

  logout(): DeviceResults['logout'] {
    for (const [serial, session] of this.#sessions) {
      // Each on its own: a logout that fails must not leave the session open, still logged in
      // for the next one who opens it (a library answers a login over it as already done).
      try {
        if (this.#loggedIn.has(serial)) this.#pkcs11.C_Logout(session);
      } catch {
        // The card may be gone already; the session is closed all the same.
      }
      this.#closeQuietly(session);
    }
    this.#sessions.clear();
    this.#loggedIn.clear();
    return {};
  }

  #closeQuietly(session: Handle): void {
    try {
      this.#pkcs11.C_CloseSession(session);
    } catch {
      // Gone with the card, or closed already.
    }
  }

  /** Whether the slot's login is in place (slots of one card often share it with the first). */
  loginState({ tokenSerial }: DeviceRequest<'loginState'>): DeviceResults['loginState'] {
    const loggedIn = this.#hasLogin(this.#session(tokenSerial));
    if (loggedIn) this.#loggedIn.add(tokenSerial);
    return { loggedIn };
  }

  /** Everything under one CKA_ID, with what identifies it: key moduli and certificate bytes. */
  inspect({ tokenSerial, idHex }: DeviceRequest<'inspect'>): DeviceResults['inspect'] {
    const session = this.#loggedInSession(tokenSerial, 'inspect');
    // One search for the pair's ID, then each object's class: SoftHSM re-reads the token's folder
    // for every search, and inspect runs a dozen times in a renewal (three searches cost 2.3 ms).
    const handles = this.#find(session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') }]);
    const classes = handles.map((handle) => ulongOf(this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_CLASS }])[0]?.value));
    const of = (objectClass: number) => handles.filter((_handle, index) => classes[index] === objectClass);
    return {
      privateKeys: of(pkcs11js.CKO_PRIVATE_KEY).map((handle) => {
        const [modulus, local, alwaysSensitive, neverExtractable] = this.#pkcs11.C_GetAttributeValue(session, handle, [
          { type: pkcs11js.CKA_MODULUS },
          { type: pkcs11js.CKA_LOCAL },
          { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
          { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        ]);
        return { modulusHex: hexOf(modulus?.value), local: isTrue(local?.value), alwaysSensitive: isTrue(alwaysSensitive?.value), neverExtractable: isTrue(neverExtractable?.value) };
      }),
      publicKeys: of(pkcs11js.CKO_PUBLIC_KEY).map((handle) => ({ modulusHex: hexOf(this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_MODULUS }])[0]?.value) })),
      certificates: of(pkcs11js.CKO_CERTIFICATE).map((handle) => ({ derBase64: (this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }])[0]?.value as Buffer).toString('base64') })),
    };
  }

  findKeyByModulus({ tokenSerial, modulusHex }: DeviceRequest<'findKeyByModulus'>): DeviceResults['findKeyByModulus'] {
    const session = this.#loggedInSession(tokenSerial, 'findKeyByModulus');
    const [handle] = this.#keysWithModulus(session, pkcs11js.CKO_PRIVATE_KEY, modulusHex);
    if (!handle) return { idHex: null };
    return { idHex: (this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }])[0]?.value as Buffer).toString('hex') };
  }

  async generateKeyPair({ tokenSerial, idHex, label }: DeviceRequest<'generateKeyPair'>): Promise<DeviceResults['generateKeyPair']> {
    const session = this.#loggedInSession(tokenSerial, 'generateKeyPair');
    const { publicKey, privateKey } = keyPairTemplates(Buffer.from(idHex, 'hex'), label);
    const keys = await this.#pkcs11.C_GenerateKeyPairAsync(session, { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN }, publicKey, privateKey);
    const [local, alwaysSensitive, neverExtractable] = this.#pkcs11.C_GetAttributeValue(session, keys.privateKey, [
      { type: pkcs11js.CKA_LOCAL },
      { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
      { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
    ]);
    const [modulus, exponent] = this.#pkcs11.C_GetAttributeValue(session, keys.publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    return {
      modulusHex: (modulus?.value as Buffer).toString('hex'),
      exponentHex: (exponent?.value as Buffer).toString('hex'),
      local: isTrue(local?.value),
      alwaysSensitive: isTrue(alwaysSensitive?.value),
      neverExtractable: isTrue(neverExtractable?.value),
    };
  }

  publicKey({ tokenSerial, idHex }: DeviceRequest<'publicKey'>): DeviceResults['publicKey'] {
    const session = this.#session(tokenSerial);
    const id = Buffer.from(idHex, 'hex');
    // The private key carries the modulus too; cards that drop the public object still answer.
    const [handle] = [
      ...this.#find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, { type: pkcs11js.CKA_ID, value: id }]),
      ...this.#find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: id }]),
    ];
    if (!handle) throw new DeviceOperationError({ kind: 'missing', what: 'public-key' });
    const [modulus, exponent] = this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    return { modulusHex: (modulus?.value as Buffer).toString('hex'), exponentHex: (exponent?.value as Buffer).toString('hex') };
  }

  async sign({ tokenSerial, idHex, dataBase64 }: DeviceRequest<'sign'>): Promise<DeviceResults['sign']> {
    const session = this.#loggedInSession(tokenSerial, 'sign');
    const [key] = this.#find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') }]);
    if (!key) throw new DeviceOperationError({ kind: 'missing', what: 'private-key' });
    try {
      this.#pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
      const signature = await this.#pkcs11.C_SignAsync(session, Buffer.from(dataBase64, 'base64'), Buffer.alloc(1024));
      return { signatureBase64: signature.toString('base64') };
    } catch (error) {
      // Told apart from the session and key lookups above: a pair's check counts only a card that
      // cannot make the signature itself (rekey-certificate.ts, set-aside-recovery.ts).
      if (error instanceof pkcs11js.Pkcs11Error) throw new DeviceOperationError({ kind: 'pkcs11', ckr: error.message, code: error.code, method: 'sign', stage: 'signature' });
      throw error;
    }
  }

  writeCertificate(request: DeviceRequest<'writeCertificate'>): DeviceResults['writeCertificate'] {
    const session = this.#session(request.tokenSerial);
    this.#pkcs11.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_ID, value: Buffer.from(request.idHex, 'hex') },
      { type: pkcs11js.CKA_LABEL, value: request.label },
      { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(request.subjectBase64, 'base64') },
      { type: pkcs11js.CKA_ISSUER, value: Buffer.from(request.issuerBase64, 'base64') },
      { type: pkcs11js.CKA_SERIAL_NUMBER, value: Buffer.from(request.serialBase64, 'base64') },
      { type: pkcs11js.CKA_VALUE, value: Buffer.from(request.derBase64, 'base64') },
    ]);
    return {};
  }

  /**
   * Destroys the old pair and nothing else: under its CKA_ID, the certificate whose bytes are the
   * old certificate's and the keys whose modulus is its key's. When that certificate is found under
   * another id instead, nothing is destroyed: whoever asked does not know this card.
   */
  destroyOldPair({ tokenSerial, idHex, certificateDerBase64, modulusHex }: DeviceRequest<'destroyOldPair'>): DeviceResults['destroyOldPair'] {
    const session = this.#loggedInSession(tokenSerial, 'destroyOldPair');
    const id = Buffer.from(idHex, 'hex');
    const value = Buffer.from(certificateDerBase64, 'base64');
    const certificates = this.#find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }, { type: pkcs11js.CKA_VALUE, value }]);
    const ours = certificates.filter((handle) => (this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }])[0]?.value as Buffer).equals(id));
    if (ours.length < certificates.length) return { destroyed: 0, certificateElsewhere: true };
    const keys = [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY].flatMap((objectClass) => this.#keysWithModulus(session, objectClass, modulusHex, id));
    for (const handle of [...ours, ...keys]) this.#pkcs11.C_DestroyObject(session, handle);
    return { destroyed: ours.length + keys.length, certificateElsewhere: false };
  }

  destroyKeys({ tokenSerial, idHex, modulusHex }: DeviceRequest<'destroyKeys'>): DeviceResults['destroyKeys'] {
    const session = this.#loggedInSession(tokenSerial, 'destroyKeys');
    const id = Buffer.from(idHex, 'hex');
    const keys = [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY].flatMap((objectClass) => this.#keysWithModulus(session, objectClass, modulusHex, id));
    for (const handle of keys) this.#pkcs11.C_DestroyObject(session, handle);
    return { destroyed: keys.length };
  }

  /**
   * The token's session, refused unless the holder's login is in place: without it the card hides
   * its private objects, and a search for a pair finds only its public half. A device process
   * started again after the last one died has no login; the caller must unlock again (resume
   * does) instead of destroying a pair it half sees.
   */
  #loggedInSession(tokenSerial: string, method: DeviceMethod): Handle {
    const session = this.#session(tokenSerial);
    if (!this.#hasLogin(session)) throw new DeviceOperationError({ kind: 'pkcs11', ckr: 'CKR_USER_NOT_LOGGED_IN', code: pkcs11js.CKR_USER_NOT_LOGGED_IN, method });
    return session;
  }

  /**
   * A slot's token, or undefined where the slot holds none after all: OpenSC lists every reader it
   * has seen among the slots "with a token", an empty one included, and answers
   * CKR_TOKEN_NOT_PRESENT for it. Taken for the card gone, one empty reader made every listing
   * DEVICE_REMOVED, the card in another reader, until the app restarted.
   */
  #tokenInfo(slot: Handle): pkcs11js.TokenInfo | undefined {
    try {
      return this.#pkcs11.C_GetTokenInfo(slot);
    } catch (error) {
      if (error instanceof pkcs11js.Pkcs11Error && (error.code === pkcs11js.CKR_TOKEN_NOT_PRESENT || error.code === pkcs11js.CKR_TOKEN_NOT_RECOGNIZED)) return undefined;
      throw error;
    }
  }

  /** The card's own word on the session (another slot's login may cover it), not what this process did. */
  #hasLogin(session: Handle): boolean {
    const { state } = this.#pkcs11.C_GetSessionInfo(session);
    return state === sessionStates.readOnlyUser || state === sessionStates.readWriteUser;
  }

  #session(tokenSerial: string): Handle {
    const open = this.#sessions.get(tokenSerial);
    if (open) return open;
    const slot = this.#pkcs11.C_GetSlotList(true).find((candidate) => this.#tokenInfo(candidate)?.serialNumber.trim() === tokenSerial);
    if (!slot) throw new DeviceOperationError({ kind: 'missing', what: 'token' });
    const session = this.#pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    this.#sessions.set(tokenSerial, session);
    return session;
  }

  /** Forgets a token's session after the card went away, so the next call opens a fresh one. */
  forget(tokenSerial?: string): void {
    // Closed, not only forgotten: a session still open on a card that is back would keep its login,
    // and a library answers a login over it as already done, whatever PIN is given.
    if (tokenSerial === undefined) {
      for (const session of this.#sessions.values()) this.#closeQuietly(session);
      this.#sessions.clear();
      this.#loggedIn.clear();
      return;
    }
    const session = this.#sessions.get(tokenSerial);
    if (session) this.#closeQuietly(session);
    this.#sessions.delete(tokenSerial);
    this.#loggedIn.delete(tokenSerial);
  }

  /**
   * The keys of `objectClass` (under `id`, when given) whose modulus is `modulusHex`, compared as
   * numbers. PKCS#11 writes a big integer without leading zeros, but a card's module may keep one
   * (the 0x00 DER puts before a modulus whose top bit is set), and a search template matches bytes
   * exactly: such keys were never found by their modulus, nor removed.
   */
  #keysWithModulus(session: Handle, objectClass: number, modulusHex: string, id?: Buffer): Handle[] {
    const wanted = modulusHex.replace(/^0+/, '');
    // RSA keys only: reading CKA_MODULUS of another kind (an EC key beside) fails the whole search.
    const template: pkcs11js.Template = [{ type: pkcs11js.CKA_CLASS, value: objectClass }, { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA }, ...(id ? [{ type: pkcs11js.CKA_ID, value: id }] : [])];
    return this.#find(session, template).filter((handle) => hexOf(this.#pkcs11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_MODULUS }])[0]?.value).replace(/^0+/, '') === wanted);
  }

  #find(session: Handle, template: pkcs11js.Template): Handle[] {
    this.#pkcs11.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      for (;;) {
        const batch = this.#pkcs11.C_FindObjects(session, 32);
        if (batch.length === 0) return found;
        found.push(...batch);
      }
    } finally {
      this.#pkcs11.C_FindObjectsFinal(session);
    }
  }
}

function hexOf(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString('hex').replace(/^(00)+/, '') : '';
}

/** A CK_ULONG attribute (a class, say) as the library wrote it: 4 or 8 bytes, the machine's byte order. */
function ulongOf(value: unknown): number | undefined {
  if (!Buffer.isBuffer(value)) return undefined;
  const littleEndian = endianness() === 'LE';
  if (value.length === 8) return Number(littleEndian ? value.readBigUInt64LE(0) : value.readBigUInt64BE(0));
  if (value.length === 4) return littleEndian ? value.readUInt32LE(0) : value.readUInt32BE(0);
  return undefined;
}

function isTrue(value: unknown): boolean {
  return Buffer.isBuffer(value) ? value.length > 0 && value[0] !== 0 : value === true;
}
