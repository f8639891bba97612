// A lean WebSocket reader for the load generator: the opening handshake, then server frames read straight off
// the TCP socket (unmasked, unfragmented: what both servers under test send), pings answered with pongs.
// Reading 5000 subscribers on one core is slower than either server writes them, so at 5000 the tail is the
// time the reader takes to get through a message's deliveries: with the `ws` client (a stream, an event and
// buffers per frame) it took 10.6-11.2 µs of CPU per delivery from the bare server, this reader 7.4-7.5
// (2026-12-03, Intel VM), so the latencies measure more of the servers. `--client ws` still uses `ws`.
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const HEADER_END = Buffer.from('\r\n\r\n');
/** Where this thread's sockets' reads land, one at a time (each is handled before the next read). */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/**
 * Opens `wsUrl` (ws://host:port/path?query); resolves once the server accepted the upgrade. `onFrame(payload)`
 * gets each text or binary frame's payload (a view into the read buffer: read it before returning), `onPing()`
 * each ping (answered before it is called). Returns { terminate() }.
 */
export function openLeanReader(wsUrl, { onFrame, onPing }) {
  const url = new URL(wsUrl);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0); // the handshake's answer so far (null once upgraded)
    /** The start of a frame the last read ended in the middle of (null: none). */
    let partial = null;
    // reads land in one buffer shared by the thread's sockets and go to a callback, not through a Readable
    // stream: no buffer allocated per read, no 'data' event (per delivery, the stream's cost was the reader's largest)
    const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true, onread: { buffer: READ_BUFFER, callback: onRead } });
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => reject(new Error(`${wsUrl}: closed before the upgrade`))); // after it: a no-op
    socket.on('connect', () => {
      socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });

    function onRead(bytes, buffer) {
      const chunk = buffer.subarray(0, bytes);
      if (head === null) return onData(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) return;
      const response = head.toString('latin1', 0, end);
      if (!response.startsWith('HTTP/1.1 101') || !new RegExp(`^sec-websocket-accept: *${accept.replace(/[+/]/g, '\\$&')} *$`, 'im').test(response)) {
        return fail(new Error(`${wsUrl}: upgrade refused: ${response.split('\r\n')[0]}`));
      }
      socket.off('error', fail);
      socket.on('error', () => {}); // a socket the server dropped: it closes, and its missing frames count as loss
      const rest = head.subarray(end + HEADER_END.length);
      head = null;
      resolve({ terminate: () => socket.destroy() });
      if (rest.length > 0) onData(rest);
    }

    function onData(chunk) {
      let buf = chunk;
      if (partial !== null) {
        buf = Buffer.concat([partial, chunk]);
        partial = null;
      }
      let at = 0;
      while (at < buf.length) {
        const end = frameEnd(buf, at);
        if (end < 0) break; // the rest comes in a later chunk
        const opcode = buf[at] & 0x0f;
        const payloadAt = end - payloadLength(buf, at);
        if (opcode === OP_TEXT || opcode === OP_BINARY) onFrame(buf.subarray(payloadAt, end));
        else if (opcode === OP_PING) {
          socket.write(maskedFrame(0x80 | 0x0a, buf.subarray(payloadAt, end)));
          onPing();
        } else if (opcode === OP_CLOSE) {
          socket.end(maskedFrame(0x80 | OP_CLOSE, buf.subarray(payloadAt, Math.min(end, payloadAt + 2))));
          return;
        } // pongs: nothing to do
        at = end;
      }
      if (at < buf.length) partial = Buffer.from(buf.subarray(at)); // a copy: the next read overwrites the buffer
    }
  });
}

/** The 7-bit length field's value, or the extended length it announces. */
function payloadLength(buf, at) {
  const short = buf[at + 1] & 0x7f;
  if (short < 126) return short;
  if (short === 126) return buf.readUInt16BE(at + 2);
  return Number(buf.readBigUInt64BE(at + 2));
}

/** Where the frame starting at `at` ends, or -1 when `buf` does not hold all of it. */
function frameEnd(buf, at) {
  if (buf.length - at < 2) return -1;
  if ((buf[at] & 0x80) === 0) throw new Error('fragmented frame: neither server under test sends one');
  if ((buf[at + 1] & 0x80) !== 0) throw new Error('masked frame from a server');
  const short = buf[at + 1] & 0x7f;
  const headerBytes = short < 126 ? 2 : short === 126 ? 4 : 10;
  if (buf.length - at < headerBytes) return -1;
  const end = at + headerBytes + payloadLength(buf, at);
  return end <= buf.length ? end : -1;
}

/** A client frame (masked, as RFC 6455 requires of clients) with a payload of at most 125 bytes. */
function maskedFrame(firstByte, payload) {
  const mask = randomBytes(4);
  const frame = Buffer.allocUnsafe(6 + payload.length);
  frame[0] = firstByte;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i] ^ mask[i & 3];
  return frame;
}
