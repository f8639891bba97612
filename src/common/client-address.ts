import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { AddressAllowlist } from '../auth/address-allowlist';
import { Settings } from '../config/settings';

/**
 * The address a request really comes from. Without trusted_proxies it is the
 * peer's address. With them, X-Forwarded-For is read only when the peer is a
 * trusted proxy, from the right (the entries proxies appended) to the first
 * address that is not a trusted proxy: what a client wrote into the header
 * itself can never be picked.
 */
@Injectable()
export class ClientAddress {
  private readonly proxies?: AddressAllowlist;

  constructor(settings: Settings) {
    if (settings.trusted_proxies.length > 0) this.proxies = new AddressAllowlist(settings.trusted_proxies);
  }

  /** The client address of an HTTP request (Fastify's request.ip is the peer: trustProxy is off). */
  of(request: FastifyRequest): string | undefined {
    if (!this.proxies) return request.ip;
    return this.resolve(request.ip, request.headers['x-forwarded-for']);
  }

  /** The client address of a WebSocket upgrade request. */
  ofUpgrade(request: IncomingMessage): string | undefined {
    const peer = request.socket?.remoteAddress;
    if (!this.proxies) return peer;
    return this.resolve(peer, request.headers['x-forwarded-for']);
  }

  resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string | undefined {
    if (!this.proxies || !peer || !this.proxies.allows(peer) || forwardedFor === undefined) return peer;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    let client = peer;
    for (let i = hops.length - 1; i >= 0 && i >= hops.length - 32; i--) {
      const hop = bareAddress(hops[i].trim());
      if (!hop) return client; // not an address: nothing left of it can be trusted
      client = hop;
      if (!this.proxies.allows(hop)) return hop;
    }
    return client;
  }
}

/** "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:80" as a plain address; undefined when it is none of them. */
function bareAddress(hop: string): string | undefined {
  if (isIP(hop)) return hop;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed && isIP(bracketed[1])) return bracketed[1];
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  if (v4port && isIP(v4port[1])) return v4port[1];
  return undefined;
}
