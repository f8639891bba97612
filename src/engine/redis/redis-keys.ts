/** Every Redis key and pub/sub topic the engine uses, under one configurable prefix. */
export class RedisKeys {
  readonly users: string;
  readonly activeUsers: string;
  readonly channels: string;
  readonly stats: string;
  readonly nodes: string;

  constructor(readonly prefix: string) {
    this.users = `${prefix}users`;
    this.activeUsers = `${prefix}active`;
    this.channels = `${prefix}channels`;
    this.stats = `${prefix}stats`;
    this.nodes = `${prefix}nodes`;
  }

  user = (name: string) => `${this.prefix}u:${name}`;
  userConnections = (name: string) => `${this.prefix}uc:${name}`;
  userFrames = (name: string) => `${this.prefix}uf:${name}`;

  connection = (connId: string) => `${this.prefix}c:${connId}`;
  connectionChannels = (connId: string) => `${this.prefix}cc:${connId}`;

  channel = (name: string) => `${this.prefix}ch:${name}`;
  channelMembers = (name: string) => `${this.prefix}chm:${name}`;
  channelHistory = (name: string) => `${this.prefix}chh:${name}`;
  channelFrames = (name: string) => `${this.prefix}chf:${name}`;

  node = (id: string) => `${this.prefix}node:${id}`;
  nodeConnections = (id: string) => `${this.prefix}nc:${id}`;
  nodeCleanup = (id: string) => `${this.prefix}cleanup:${id}`;

  channelTopic = (name: string) => `${this.prefix}t:ch:${name}`;
  userTopic = (name: string) => `${this.prefix}t:u:${name}`;
  nodeTopic = (id: string) => `${this.prefix}t:node:${id}`;
}
