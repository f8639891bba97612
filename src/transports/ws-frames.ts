import * as ws from 'ws';
import type { OutboundEvent } from '../engine/outbound-event';

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

/** ws exports its Sender (the framing code ws itself uses) but @types/ws does not declare it. */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT_FRAME = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

/** A complete unmasked WebSocket text frame (header and payload in one buffer). */
export function textFrame(payload: Buffer): Buffer {
  const [header, data] = Sender.frame(payload, TEXT_FRAME);
  return Buffer.concat([header, data]);
}

const LEGACY = {};
const POSITIONED = {};

/**
 * The event as a ready WebSocket frame, framed once per event (not per
 * socket), in the legacy or the positioned form.
 */
export function eventFrame(event: OutboundEvent, positioned: boolean): Buffer {
  return positioned ? event.encoded(POSITIONED, positionedFrame) : event.encoded(LEGACY, legacyFrame);
}

// module-level builders: eventFrame runs once per recipient, and a closure per call would be garbage per recipient
const legacyFrame = (event: OutboundEvent) => textFrame(event.frameBytes);
const positionedFrame = (event: OutboundEvent) => textFrame(event.positionedFrameBytes);

export const HEARTBEAT_FRAME = textFrame(Buffer.from('[]'));

const PING = { fin: true, opcode: 0x9, mask: false, readOnly: false, rsv1: false };

/**
 * The protocol's heartbeat `[]` followed by a WebSocket ping (whose pong
 * proves the peer alive), as one write: half the syscalls of a beat. Sent to
 * a peer that has been silent a while; others get the `[]` alone.
 */
export const HEARTBEAT_AND_PING = Buffer.concat([HEARTBEAT_FRAME, ...Sender.frame(Buffer.alloc(0), PING)]);
