import { WsAdapter } from '@nestjs/platform-ws';

type MessageHandlers = Parameters<WsAdapter['bindMessageHandlers']>[1];

/**
 * Nest's ws adapter, minus the per-socket message streams when a gateway
 * declares no message handlers. Ours declares none (a client frame only
 * marks the connection alive, handled on the socket itself), yet Nest would
 * build a few rxjs streams per socket to dispatch to nothing: ~4 KiB of
 * heap per connection, a third of an idle connection's cost.
 */
export class LeanWsAdapter extends WsAdapter {
  override bindMessageHandlers(client: unknown, handlers: MessageHandlers, transform: Parameters<WsAdapter['bindMessageHandlers']>[2]): void {
    if (handlers.length === 0) return;
    super.bindMessageHandlers(client, handlers, transform);
  }
}
