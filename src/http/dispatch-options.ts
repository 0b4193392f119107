import type { Dispatcher } from 'undici';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { PreparedRequest } from './prepared-request.ts';

/**
 * The options of one undici `dispatch()` and the request they send: undici reads the options,
 * the HTTP/2 transport builds its header block from the request (`h2/h2-headers.ts`) and names it
 * in its errors.
 *
 * @internal
 */
export interface RequestDispatchOptions extends Dispatcher.DispatchOptions {
  readonly request: PreparedRequest;
}

/**
 * The options of one undici `dispatch()`, on an object with no `Object.prototype` behind it:
 * undici reads keys fanout never sets (`query`, `upgrade`, `idempotent`, `reset`,
 * `expectContinue`, `throwOnError`…), and on a plain object a polluted `Object.prototype` would
 * answer them. Like `HeaderRecord` (`headers.ts`), instances stay in V8's fast mode (unlike
 * `Object.create(null)`), so this costs what the object literal did.
 *
 * @internal
 */
class DispatchOptions implements RequestDispatchOptions {
  readonly origin: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: NonNullable<Dispatcher.DispatchOptions['body']>;
  readonly headersTimeout = 0;
  readonly bodyTimeout = 0;
  // undici holds back the next request until this one's headers arrive ("blocking", its default
  // for all but HEAD), which would make `pipelining` a no-op.
  readonly blocking = false;
  readonly request: PreparedRequest;

  constructor(request: PreparedRequest) {
    this.request = request;
    this.origin = request.origin;
    this.path = request.path;
    this.method = request.method;
    this.headers = request.headers;
    this.body = request.body as NonNullable<Dispatcher.DispatchOptions['body']>;
  }
}
Object.setPrototypeOf(DispatchOptions.prototype, null);

/**
 * The dispatch options of `request`; undici's own timers are off (`0`): the exchange runs its
 * own (see `Exchange`). A `CONNECT` request throws {@link InvalidRequestError}: undici answers it
 * by handing over the raw socket (a tunnel), which an exchange has no use for.
 */
export function dispatchOptions(request: PreparedRequest): RequestDispatchOptions {
  if (request.method === 'CONNECT') {
    throw new InvalidRequestError(
      'Invalid method "CONNECT": it opens a tunnel, not a request (use a proxy option instead)',
      { request },
    );
  }
  return new DispatchOptions(request);
}
