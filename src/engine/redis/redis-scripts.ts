/**
 * Lua scripts: each multi-key change runs atomically inside Redis, so two
 * nodes racing cannot both see "first connection of this user" (and both
 * announce joined) or lose a history item. Keys are built from the prefix
 * in ARGV[1] (one Redis server; not Redis Cluster).
 */

/** Compare-and-set of a user record; TTL of a day while the user has no connection. */
export const CAS_USER = `
local P, name = ARGV[1], ARGV[2]
local key = P .. 'u:' .. name
local cur = redis.call('HGET', key, 'record')
if (cur or '') ~= ARGV[3] then return 0 end
redis.call('HSET', key, 'record', ARGV[4])
redis.call('HSETNX', key, 'epoch', ARGV[6])
redis.call('SADD', P .. 'users', name)
if redis.call('SCARD', P .. 'uc:' .. name) == 0 then
  redis.call('PEXPIRE', key, ARGV[5])
  redis.call('PEXPIRE', P .. 'uf:' .. name, ARGV[5])
else
  redis.call('PERSIST', key)
end
return 1`;

/** -> {1|0|-1|-2, owner}: created, re-used (same user), other user's, user missing. */
export const OPEN_CONNECTION = `
local P, id, user, node, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local ck = P .. 'c:' .. id
local existing = redis.call('HGET', ck, 'user')
if existing then
  if existing ~= user then return {-1, ''} end
  redis.call('HSET', ck, 'lastActive', now)
  return {0, redis.call('HGET', ck, 'node')}
end
if redis.call('EXISTS', P .. 'u:' .. user) == 0 then return {-2, ''} end
redis.call('HSET', ck, 'user', user, 'node', node, 'lastActive', now)
redis.call('SADD', P .. 'uc:' .. user, id)
redis.call('SADD', P .. 'active', user)
redis.call('SADD', P .. 'nc:' .. node, id)
redis.call('PERSIST', P .. 'u:' .. user)
redis.call('PERSIST', P .. 'uf:' .. user)
redis.call('HINCRBY', P .. 'stats', 'connections', 1)
return {1, node}`;

/** -> false | {changed, firstOfUser, uuid, settings, owner, user, lastActive} */
export const JOIN = `
local P, id, ch, settings, uuid, now, epoch = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local ck = P .. 'c:' .. id
local user = redis.call('HGET', ck, 'user')
if not user then return false end
local chk = P .. 'ch:' .. ch
if redis.call('EXISTS', chk) == 0 then
  redis.call('HSET', chk, 'uuid', uuid, 'settings', settings, 'epoch', epoch, 'offset', 0)
  redis.call('SADD', P .. 'channels', ch)
end
redis.call('HSET', chk, 'lastActive', now)
local info = redis.call('HMGET', chk, 'uuid', 'settings')
local owner = redis.call('HGET', ck, 'node')
if redis.call('SADD', P .. 'cc:' .. id, ch) == 0 then return {0, 0, info[1], info[2], owner, user, now} end
local n = redis.call('HINCRBY', P .. 'chm:' .. ch, user, 1)
return {1, n == 1 and 1 or 0, info[1], info[2], owner, user, now}`;

/** -> false | {changed, lastOfUser, uuid, settings, owner, user, lastActive} */
export const LEAVE = `
local P, id, ch, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ck = P .. 'c:' .. id
local user = redis.call('HGET', ck, 'user')
local chk = P .. 'ch:' .. ch
if not user or redis.call('EXISTS', chk) == 0 then return false end
local info = redis.call('HMGET', chk, 'uuid', 'settings', 'lastActive')
local owner = redis.call('HGET', ck, 'node')
if redis.call('SREM', P .. 'cc:' .. id, ch) == 0 then return {0, 0, info[1], info[2], owner, user, info[3]} end
redis.call('HSET', chk, 'lastActive', now)
local n = redis.call('HINCRBY', P .. 'chm:' .. ch, user, -1)
if n <= 0 then redis.call('HDEL', P .. 'chm:' .. ch, user) end
return {1, n <= 0 and 1 or 0, info[1], info[2], owner, user, now}`;

/** -> false | {user, owner, lastActive, partedChannel...} */
export const REMOVE_CONNECTION = `
local P, id, now, userTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local ck = P .. 'c:' .. id
local user = redis.call('HGET', ck, 'user')
if not user then return false end
local owner = redis.call('HGET', ck, 'node')
local last = redis.call('HGET', ck, 'lastActive')
local out = {user, owner, last}
for _, ch in ipairs(redis.call('SMEMBERS', P .. 'cc:' .. id)) do
  local n = redis.call('HINCRBY', P .. 'chm:' .. ch, user, -1)
  if n <= 0 then
    redis.call('HDEL', P .. 'chm:' .. ch, user)
    table.insert(out, ch)
  end
  if redis.call('EXISTS', P .. 'ch:' .. ch) == 1 then redis.call('HSET', P .. 'ch:' .. ch, 'lastActive', now) end
end
redis.call('DEL', ck, P .. 'cc:' .. id)
redis.call('SREM', P .. 'uc:' .. user, id)
redis.call('SREM', P .. 'nc:' .. owner, id)
redis.call('HINCRBY', P .. 'stats', 'connections', -1)
if redis.call('SCARD', P .. 'uc:' .. user) == 0 then
  redis.call('SREM', P .. 'active', user)
  redis.call('PEXPIRE', P .. 'u:' .. user, userTtl)
  redis.call('PEXPIRE', P .. 'uf:' .. user, userTtl)
end
return out`;

/** Takes ownership of a connection for this node -> false | {user, previousOwner, lastActive, channel...} */
export const ATTACH = `
local P, id, node = ARGV[1], ARGV[2], ARGV[3]
local ck = P .. 'c:' .. id
local user = redis.call('HGET', ck, 'user')
if not user then return false end
local old = redis.call('HGET', ck, 'node')
if old ~= node then
  redis.call('SREM', P .. 'nc:' .. old, id)
  redis.call('SADD', P .. 'nc:' .. node, id)
  redis.call('HSET', ck, 'node', node)
end
local out = {user, old, redis.call('HGET', ck, 'lastActive')}
for _, ch in ipairs(redis.call('SMEMBERS', P .. 'cc:' .. id)) do table.insert(out, ch) end
return out`;

/** Writes lastActive of live connections (pairs of id, time); returns the ids Redis no longer knows. */
export const TOUCH = `
local P = ARGV[1]
local missing = {}
for i = 2, #ARGV, 2 do
  local ck = P .. 'c:' .. ARGV[i]
  if redis.call('EXISTS', ck) == 1 then redis.call('HSET', ck, 'lastActive', ARGV[i + 1])
  else table.insert(missing, ARGV[i]) end
end
return missing`;

/**
 * Stores (history, frame) and publishes a channel event with the next offset
 * of the channel's stream -> offset, or 0 when the channel does not exist.
 * ARGV: P, channel, eventJson, historySize, keepFrame, framesKept, framesTtl, now, at, countUnique, fallbackEpoch
 */
export const PUBLISH_CHANNEL = `
local P, ch, json = ARGV[1], ARGV[2], ARGV[3]
if ARGV[10] == '1' then redis.call('HINCRBY', P .. 'stats', 'unique', 1) end
local chk = P .. 'ch:' .. ch
if redis.call('EXISTS', chk) == 0 then return 0 end
redis.call('HSETNX', chk, 'epoch', ARGV[11])
local offset = redis.call('HINCRBY', chk, 'offset', 1)
local epoch = redis.call('HGET', chk, 'epoch')
local hs = tonumber(ARGV[4])
if hs > 0 then
  redis.call('RPUSH', P .. 'chh:' .. ch, json)
  redis.call('LTRIM', P .. 'chh:' .. ch, -hs, -1)
end
if ARGV[5] == '1' then
  redis.call('RPUSH', P .. 'chf:' .. ch, '{"at":' .. ARGV[9] .. ',"offset":' .. offset .. ',"event":' .. json .. '}')
  redis.call('LTRIM', P .. 'chf:' .. ch, -tonumber(ARGV[6]), -1)
  redis.call('PEXPIRE', P .. 'chf:' .. ch, ARGV[7])
end
redis.call('HSET', chk, 'lastActive', ARGV[8])
redis.call('PUBLISH', P .. 't:ch:' .. ch, '{"at":' .. ARGV[9] .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '","event":' .. json .. '}')
return offset`;

/**
 * Stores a private frame for, and publishes to, each known user in ARGV[8..],
 * each at the next offset of that user's stream.
 * ARGV: P, eventJson, framesKept, ttl, at, countUnique, fallbackEpoch, users...
 */
export const PUBLISH_USERS = `
local P, json, max, ttl, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
if ARGV[6] == '1' then redis.call('HINCRBY', P .. 'stats', 'unique', 1) end
for i = 8, #ARGV do
  local name = ARGV[i]
  local uk = P .. 'u:' .. name
  if redis.call('EXISTS', uk) == 1 then
    redis.call('HSETNX', uk, 'epoch', ARGV[7])
    local offset = redis.call('HINCRBY', uk, 'offset', 1)
    local epoch = redis.call('HGET', uk, 'epoch')
    redis.call('RPUSH', P .. 'uf:' .. name, '{"at":' .. at .. ',"offset":' .. offset .. ',"event":' .. json .. '}')
    redis.call('LTRIM', P .. 'uf:' .. name, -max, -1)
    redis.call('PEXPIRE', P .. 'uf:' .. name, ttl)
    redis.call('PUBLISH', P .. 't:u:' .. name, '{"at":' .. at .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '","event":' .. json .. '}')
  end
end
return 1`;

/** Creates or merges channel settings -> {uuid, settings, lastActive}. */
export const CONFIGURE_CHANNEL = `
local P, ch, partial, defaults, uuid, now, epoch = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local chk = P .. 'ch:' .. ch
local cur = redis.call('HGET', chk, 'settings')
local settings = cjson.decode(cur or defaults)
for k, v in pairs(cjson.decode(partial)) do settings[k] = v end
if not cur then
  redis.call('HSET', chk, 'uuid', uuid, 'lastActive', now, 'epoch', epoch, 'offset', 0)
  redis.call('SADD', P .. 'channels', ch)
end
redis.call('HSET', chk, 'settings', cjson.encode(settings))
if not settings['store_history'] then
  -- nothing new is stored; what is there stays, as in the memory engine
elseif tonumber(settings['history_size']) == 0 then
  redis.call('DEL', P .. 'chh:' .. ch)
else
  redis.call('LTRIM', P .. 'chh:' .. ch, -tonumber(settings['history_size']), -1)
end
return redis.call('HMGET', chk, 'uuid', 'settings', 'lastActive')`;

/** Replaces list item i when it still holds the expected text (edits made in JavaScript). */
export const LIST_CAS = `
if redis.call('LINDEX', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0`;

/** Removes an empty channel idle since before ARGV[3]. */
export const FORGET_CHANNEL = `
local P, ch, before = ARGV[1], ARGV[2], tonumber(ARGV[3])
local chk = P .. 'ch:' .. ch
if redis.call('HLEN', P .. 'chm:' .. ch) > 0 then return 0 end
local last = tonumber(redis.call('HGET', chk, 'lastActive') or '0')
if last >= before then return 0 end
redis.call('DEL', chk, P .. 'chm:' .. ch, P .. 'chh:' .. ch, P .. 'chf:' .. ch)
redis.call('SREM', P .. 'channels', ch)
return 1`;
