import { ChannelstreamApiError } from './api-error.js';
import type {
  AdminOverview,
  ChannelConfig,
  ChannelsInfo,
  ConnectRequest,
  ConnectResponse,
  DeletedMessage,
  DeleteMessage,
  EditedMessage,
  EditMessage,
  InfoOptions,
  PublishedMessage,
  PublishMessage,
  SubscribeRequest,
  SubscribeResponse,
  UnsubscribeRequest,
  UnsubscribeResponse,
  UserStateRequest,
  UserStateResponse,
} from './api-types.js';
import { LegacyTimestampSigner } from './signers/legacy-timestamp-signer.js';
import type { RequestSigner } from './signers/request-signer.js';
import { StrictRequestSigner } from './signers/strict-request-signer.js';

export interface BackendOptions {
  /** The Channelstream server, e.g. `http://127.0.0.1:8000` (a path prefix is kept). */
  url: string;
  /** The API secret: requests are signed with it, by default with the legacy itsdangerous token. */
  secret?: string;
  /** How `secret` signs: `legacy` (default, every server accepts it) or `strict` (for servers with signature_mode = strict). */
  signatureMode?: 'legacy' | 'strict';
  /** Another way to sign requests (wins over `secret`). */
  signer?: RequestSigner;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Abort a call after this long. Default 10000 ms. */
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Typed, signed calls to every REST endpoint of a Channelstream server.
 * Every method throws ChannelstreamApiError when the server answers an error.
 *
 * ```ts
 * const channelstream = new ChannelstreamBackend({ url: 'http://127.0.0.1:8000', secret: process.env.CHANNELSTREAM_SECRET });
 * const { conn_id } = await channelstream.connect({ username: 'alice', channels: ['lobby'] });
 * await channelstream.publish([{ user: 'system', channel: 'lobby', message: { text: 'hi' } }]);
 * ```
 */
export class ChannelstreamBackend {
  private readonly signer: RequestSigner;
  private readonly fetch: typeof fetch;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(options: BackendOptions) {
    const fromSecret = (secret: string) => (options.signatureMode === 'strict' ? new StrictRequestSigner(secret) : new LegacyTimestampSigner(secret));
    const signer = options.signer ?? (options.secret !== undefined ? fromSecret(options.secret) : undefined);
    if (!signer) throw new Error('ChannelstreamBackend needs a secret or a signer');
    this.signer = signer;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.base = new URL(options.url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** POST /connect: the conn_id for the user's client, subscribed to `channels`. */
  connect(body: ConnectRequest): Promise<ConnectResponse> {
    return this.call('POST', '/connect', body);
  }

  subscribe(body: SubscribeRequest): Promise<SubscribeResponse> {
    return this.call('POST', '/subscribe', body);
  }

  unsubscribe(body: UnsubscribeRequest): Promise<UnsubscribeResponse> {
    return this.call('POST', '/unsubscribe', body);
  }

  /** POST /user_state: channels with notify_state get user_state_change. */
  userState(body: UserStateRequest): Promise<UserStateResponse> {
    return this.call('POST', '/user_state', body);
  }

  /** POST /message: to a channel, or privately to pm_users. */
  publish(messages: PublishMessage[]): Promise<PublishedMessage[]> {
    return this.call('POST', '/message', messages);
  }

  /** PATCH /message: changes stored messages and sends message:edit. */
  edit(edits: EditMessage[]): Promise<EditedMessage[]> {
    return this.call('PATCH', '/message', edits);
  }

  /** DELETE /message: removes stored messages and sends message:delete. */
  delete(deletions: DeleteMessage[]): Promise<DeletedMessage[]> {
    return this.call('DELETE', '/message', deletions);
  }

  /** POST /channel_config: creates or reconfigures channels (only the settings given change). */
  channelConfig(configs: Record<string, ChannelConfig>): Promise<ChannelsInfo> {
    return this.call('POST', '/channel_config', configs);
  }

  /** /info: every channel (GET) or those `options` choose (POST). */
  info(options?: InfoOptions): Promise<ChannelsInfo> {
    return options === undefined ? this.call('GET', '/info') : this.call('POST', '/info', { info: options });
  }

  /** /admin/admin.json: server figures, channels and connected users. */
  adminJson(): Promise<AdminOverview> {
    return this.call('GET', '/admin/admin.json');
  }

  /** POST /disconnect: drops a connection now (its user parts); false when it was not known. */
  disconnect(connId: string): Promise<boolean> {
    return this.call('POST', '/disconnect', { conn_id: connId });
  }

  private async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const url = new URL(this.base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(text !== undefined && { 'content-type': 'application/json' }),
      ...(await this.signer.headersFor({ method, path: url.pathname + url.search, body: text })),
    };
    const response = await this.fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(this.timeoutMs) });
    const answer = await response.text();
    const parsed = parseJson(answer);
    if (!response.ok) throw new ChannelstreamApiError(response.status, parsed ?? answer, method, path);
    if (parsed === undefined) throw new ChannelstreamApiError(response.status, answer, method, path);
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
