/**
 * The harness against a peer that speaks broken WebSocket: raw frames written on a TCP socket
 * after a real handshake — a length no one can hold, invalid UTF-8, RSV1 without an extension,
 * a message over the limit, an unmasked frame, a broken fragment sequence in the middle of a
 * conversation, a connection cut in the middle of a frame — and garbage before any handshake.
 *
 * The harness runs as `npm start` runs it (dist/main/harness-main.mjs, its own process), so "the
 * process survives" is observed, not assumed: after every attack that process is alive and a
 * bystander page, connected all along, still gets its answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { harnessLimits } from '../../../src/main/harness/harness-server.js';
import { connectHarness, type HarnessConnection } from '../../../src/renderer/transport/harness-client.js';
import { httpGet, sessionSocket, type HarnessSessionHeaders } from '../../support/harness/harness-session.js';
import { makeTempDir } from '../../support/temp-dir.js';

const root = join(import.meta.dirname, '..', '..', '..');

let child: ChildProcess;
let port: number;
let session: HarnessSessionHeaders;
let bystander: HarnessConnection;
let removeTemp: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir('harness-fuzz');
  removeTemp = temp.remove;
  child = spawn(process.execPath, [join(root, 'dist', 'main', 'harness-main.mjs')], {
    env: {
      PATH: process.env.PATH,
      RINNOVO_DATA_DIR: temp.dir,
      RINNOVO_SERVICE_URL: 'https://127.0.0.1:9/api/v1/',
      RINNOVO_RENDERER_DIR: join(root, 'test', 'fixtures', 'renderer'),
      RINNOVO_NO_BROWSER: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const entry = (JSON.parse(line) as { harnessUrl: string }).harnessUrl;
  port = Number(new URL(entry).port);
  const answer = await httpGet(entry);
  const cookie = String((answer.headers['set-cookie'] as string[])[0]).split(';')[0]!;
  session = { pageUrl: `http://127.0.0.1:${port}/`, headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}` } };
  bystander = connectHarness(session.pageUrl, sessionSocket(session));
  expect(await bystander.api.app.getStatus({})).toMatchObject({ ok: true });
});

afterAll(async () => {
  bystander?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await removeTemp?.();
});

/** A client frame as RFC 6455 lays it out; every field can be made wrong. */
function frame(options: { opcode: number; payload?: Buffer; fin?: boolean; rsv1?: boolean; masked?: boolean; declaredLength?: bigint }): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | options.opcode;
  const length = options.declaredLength ?? BigInt(payload.length);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 126, 1);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8((masked ? 0x80 : 0) | 127, 1);
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([header, mask, body]);
}

const text = (value: string) => Buffer.from(value, 'utf8');
const call = (id: number) => text(JSON.stringify({ type: 'call', id, method: 'app.getStatus', request: {} }));

interface RawPeer {
  readonly socket: Socket;
  /** Bytes the server sent after the handshake. */
  received(): Buffer;
  /** Resolves with the close code the server sent (0 if it just hung up). */
  closed(): Promise<number>;
}

/** A TCP connection that completes a genuine handshake as this session, then is ours to abuse. */
async function rawPeer(): Promise<RawPeer> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(
    [
      'GET /rpc HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Origin: ${session.headers.Origin}`,
      `Cookie: ${session.headers.Cookie}`,
      '',
      '',
    ].join('\r\n'),
  );
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (buffer = Buffer.concat([buffer, chunk])));
  await expect.poll(() => buffer.indexOf('\r\n\r\n')).toBeGreaterThan(0);
  expect(buffer.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  buffer = buffer.subarray(buffer.indexOf('\r\n\r\n') + 4);
  const ended = once(socket, 'close');
  return {
    socket,
    received: () => buffer,
    async closed() {
      await ended;
      return closeCodeIn(buffer);
    },
  };
}

/** The status code of the first close frame (opcode 8) among the server's frames. */
function closeCodeIn(bytes: Buffer): number {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = bytes[offset]! & 0x0f;
    let length = bytes[offset + 1]! & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset + 2);
      start += 2;
    }
    if (opcode === 8) return length >= 2 ? bytes.readUInt16BE(start) : 0;
    offset = start + length;
  }
  return 0;
}

async function expectHarnessAlive(): Promise<void> {
  expect(child.exitCode, 'the harness process ended').toBeNull();
  expect(await bystander.api.app.getStatus({}), 'the bystander page lost its harness').toMatchObject({ ok: true, value: { transport: 'harness' } });
}

describe('raw WebSocket frames from a hostile peer', () => {
  it('a 64-bit length with its top bit set: that socket is closed (1009), the process and the other page go on', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 1, declaredLength: 0x8000_0000_0000_0000n }));
    expect(await peer.closed()).toBe(1009);
    await expectHarnessAlive();
  });

  it('invalid UTF-8 in a text frame (1007)', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]) }));
    expect(await peer.closed()).toBe(1007);
    await expectHarnessAlive();
  });

  it('RSV1 set with no extension negotiated (1002)', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 1, rsv1: true, payload: call(1) }));
    expect(await peer.closed()).toBe(1002);
    await expectHarnessAlive();
  });

  it('a frame over the message limit is refused from its header, before its bytes arrive (1009)', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 2, declaredLength: BigInt(harnessLimits.maxMessageBytes + 1) }).subarray(0, 14));
    expect(await peer.closed()).toBe(1009);
    await expectHarnessAlive();
  });

  it('a message over the limit in small fragments (1009)', async () => {
    const peer = await rawPeer();
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const pieces = Math.ceil(harnessLimits.maxMessageBytes / piece.length) + 1;
    for (let index = 0; index < pieces && !peer.socket.destroyed; index++) {
      peer.socket.write(frame({ opcode: index === 0 ? 1 : 0, fin: false, payload: piece }));
    }
    expect(await peer.closed()).toBe(1009);
    await expectHarnessAlive();
  });

  it('an unmasked client frame (1002)', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 1, masked: false, payload: call(1) }));
    expect(await peer.closed()).toBe(1002);
    await expectHarnessAlive();
  });

  it('mid-flow: a good call is answered, then a fragmented message broken by a new text frame (1002)', async () => {
    const peer = await rawPeer();
    peer.socket.write(frame({ opcode: 1, payload: call(41) }));
    await expect.poll(() => peer.received().toString('utf8')).toContain('"id":41');
    peer.socket.write(frame({ opcode: 1, fin: false, payload: text('{"type":"call",') }));
    peer.socket.write(frame({ opcode: 1, payload: call(42) }));
    expect(await peer.closed()).toBe(1002);
    await expectHarnessAlive();
  });

  it('mid-flow: an oversized ping between fragments (1002), and invalid UTF-8 split across fragments (1007)', async () => {
    const ping = await rawPeer();
    ping.socket.write(frame({ opcode: 1, fin: false, payload: text('{"type":') }));
    ping.socket.write(frame({ opcode: 9, payload: Buffer.alloc(200, 1) }));
    expect(await ping.closed()).toBe(1002);
    const split = await rawPeer();
    split.socket.write(frame({ opcode: 1, fin: false, payload: Buffer.from([0x22, 0xe2, 0x82]) }));
    split.socket.write(frame({ opcode: 0, payload: Buffer.from([0x28, 0x22]) }));
    expect(await split.closed()).toBe(1007);
    await expectHarnessAlive();
  });

  it('a peer that resets in the middle of a frame, and one that never finishes its frame', async () => {
    const reset = await rawPeer();
    reset.socket.write(frame({ opcode: 1, payload: call(7) }).subarray(0, 5));
    reset.socket.resetAndDestroy();
    const stalled = await rawPeer();
    stalled.socket.write(frame({ opcode: 1, payload: call(8) }).subarray(0, 3));
    await expectHarnessAlive();
    stalled.socket.destroy();
  });

  it('garbage instead of an HTTP request, and a handshake cut short', async () => {
    const garbage = connect(port, '127.0.0.1');
    garbage.on('error', () => undefined);
    await once(garbage, 'connect');
    const reply = new Promise<string>((resolve) => {
      let seen = '';
      garbage.on('data', (chunk: Buffer) => (seen += chunk.toString('latin1')));
      garbage.on('close', () => resolve(seen));
    });
    garbage.write('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 NOT HTTP\r\n\r\n');
    expect(await reply).toMatch(/^HTTP\/1\.1 400 /);
    const cut = connect(port, '127.0.0.1');
    cut.on('error', () => undefined);
    await once(cut, 'connect');
    cut.write(`GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
    cut.resetAndDestroy();
    await expectHarnessAlive();
  });

  it('a second browser page connected all along still gets events and answers', async () => {
    const other = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers: session.headers });
    await once(other, 'open');
    const localeEvent = new Promise<unknown>((resolve) => other.on('message', (data: Buffer) => {
      const parsed = JSON.parse(data.toString()) as { type: string; event?: string };
      if (parsed.type === 'event' && parsed.event === 'app.localeChanged') resolve(parsed);
    }));
    const attacker = await rawPeer();
    attacker.socket.write(frame({ opcode: 1, rsv1: true, payload: call(1) }));
    await attacker.closed();
    expect(await bystander.api.app.setLocale({ locale: 'en' })).toMatchObject({ ok: true });
    expect(await localeEvent).toMatchObject({ payload: { locale: 'en' } });
    other.close();
    await expectHarnessAlive();
  });
});
