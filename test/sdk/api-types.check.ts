/**
 * Compile-time check (npm run typecheck) that the server SDK's types match
 * the server: every answer the server produces fits the SDK's response type,
 * and every request the SDK's types allow is one the server's DTOs describe.
 * A type error here means the two drifted apart.
 */
import type { AdminService } from '../../src/admin/admin.service';
import type { ChannelsInfo } from '../../src/channels/channel-info';
import type { InfoOptionsDto } from '../../src/channels/info.dto';
import type { ConnectDto, SubscribeDto } from '../../src/connections/connection.dto';
import type { ConnectResult, MembershipResult } from '../../src/connections/connections.service';
import type { ChannelSettings, UserRecord } from '../../src/engine/types';
import type { AcceptedDelete, AcceptedEdit, AcceptedMessage } from '../../src/messages/message-events';
import type { MessageDeleteDto, MessageDto, MessageEditDto } from '../../src/messages/message.dto';
import type { StateChange } from '../../src/users/user-state';
import type { UserStateDto } from '../../src/users/user-state.dto';
import type * as Sdk from '../../packages/server-sdk/src/index.js';

type Fits<From, To> = [From] extends [To] ? true : false;
type Expect<T extends true> = T;

/** What the controllers build from the services' results. */
type SubscribeAnswer = { channels: string[]; channels_info: MembershipResult['channels_info']; subscribed_to: MembershipResult['changed'] };
type UnsubscribeAnswer = { channels: string[]; channels_info: MembershipResult['channels_info']; unsubscribed_from: MembershipResult['changed'] };
type UserStateAnswer = { user_state: UserRecord['state']; changed_state: StateChange[]; public_keys: UserRecord['publicKeys'] };

export type ResponsesFit = [
  Expect<Fits<ConnectResult, Sdk.ConnectResponse>>,
  Expect<Fits<SubscribeAnswer, Sdk.SubscribeResponse>>,
  Expect<Fits<UnsubscribeAnswer, Sdk.UnsubscribeResponse>>,
  Expect<Fits<UserStateAnswer, Sdk.UserStateResponse>>,
  Expect<Fits<AcceptedMessage, Sdk.PublishedMessage>>,
  Expect<Fits<AcceptedEdit, Sdk.EditedMessage>>,
  Expect<Fits<AcceptedDelete, Sdk.DeletedMessage>>,
  Expect<Fits<ChannelsInfo, Sdk.ChannelsInfo>>,
  Expect<Fits<Awaited<ReturnType<AdminService['overview']>>, Sdk.AdminOverview>>,
];

export type RequestsFit = [
  Expect<Fits<Sdk.ConnectRequest, ConnectDto>>,
  Expect<Fits<Sdk.SubscribeRequest, SubscribeDto>>,
  Expect<Fits<Sdk.UnsubscribeRequest, SubscribeDto>>,
  Expect<Fits<Sdk.UserStateRequest, UserStateDto>>,
  Expect<Fits<Sdk.PublishMessage, MessageDto>>,
  Expect<Fits<Sdk.EditMessage, MessageEditDto>>,
  Expect<Fits<Sdk.DeleteMessage, MessageDeleteDto>>,
  Expect<Fits<Sdk.InfoOptions, InfoOptionsDto>>,
  Expect<Fits<Sdk.ChannelSettings, ChannelSettings>>,
  Expect<Fits<ChannelSettings, Sdk.ChannelSettings>>,
];
