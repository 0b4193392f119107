import { type RedisScript, redisScript } from './redis-commands.ts';

// The script's source; see GCRA_SCRIPT.
const SOURCE = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait > 0 then return math.ceil(wait * 1000) end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.17g', tat), 'PX', math.ceil(tat - now))
return 0
`;

/**
 * One GCRA grant, atomically, on Redis' own clock (`TIME`), so the instances' clocks do not
 * matter. `KEYS[1]` holds the key's theoretical arrival time (TAT, ms of Redis' clock; absent:
 * none, as if it were now); `ARGV[1]` is the interval between grants in ms, `ARGV[2]` the
 * tolerance `(burst - 1) × interval`. A request conforms when `now >= TAT - tolerance`: then TAT
 * moves to `max(TAT, now) + interval`, stored with an expiry at that TAT (past it the key is as an
 * absent one), and the script returns 0. Otherwise nothing is written and it returns how long to
 * wait before asking again, in µs (>= 1). No lock and no loop: one round trip decides.
 *
 * @internal
 */

export const GCRA_SCRIPT: RedisScript = redisScript(SOURCE);
