/**
 * The `code` of every fanout error: one per class, and `FANOUT_ERROR` for the two bases
 * (`FanoutError`, `RequestError`). The error table of docs/ERRORS.md says when each is thrown. Each class
 * declares its own as a literal, so `new TimeoutError(…).code` has the type `'FANOUT_TIMEOUT'`, and
 * a class with a code missing here does not compile.
 */
export type FanoutErrorCode =
  | 'FANOUT_ERROR'
  | 'FANOUT_INVALID_URL'
  | 'FANOUT_INVALID_REQUEST'
  | 'FANOUT_INVALID_OPTION'
  | 'FANOUT_CONNECTION'
  | 'FANOUT_TIMEOUT'
  | 'FANOUT_TOO_MANY_REDIRECTS'
  | 'FANOUT_BODY_TOO_LARGE'
  | 'FANOUT_RESPONSE_PARSE'
  | 'FANOUT_HTTP_STATUS'
  | 'FANOUT_SESSION_CLOSED'
  | 'FANOUT_CANCELLED'
  | 'FANOUT_EXECUTOR_SHUTDOWN'
  | 'FANOUT_QUEUE_FULL'
  | 'FANOUT_DEPENDENCY'
  | 'FANOUT_DEADLINE'
  | 'FANOUT_FLOW_DEFINITION'
  | 'FANOUT_BATCH_RESULT'
  | 'FANOUT_PAGE_DEFINITION'
  | 'FANOUT_UNSAFE_TEMPLATE'
  | 'FANOUT_CIRCUIT_OPEN'
  | 'FANOUT_CACHE_STORE'
  | 'FANOUT_RATE_LIMIT_STORE'
  | 'FANOUT_CACHE_REFRESH'
  | 'FANOUT_REDIS_STORE';
