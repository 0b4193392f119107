import type { ClientSessionOptions } from 'node:http2';

/**
 * The limits fanout's HTTP/2 sessions pass to `http2.connect`, so that a hostile or broken server
 * is cut off by Node with an error event instead of holding memory or a request forever. What
 * Node 20 does with each attack is proved in `test/http/h2/hostile.test.ts`:
 *
 * - too many response header fields: the stream is reset (`ERR_HTTP2_STREAM_ERROR`,
 *   `ENHANCE_YOUR_CALM`, rstCode 11) by `maxHeaderListPairs`; the session lives;
 * - a header block over 9 frames (~144 KB) or an endless CONTINUATION flood: nghttp2's own cap of
 *   8 CONTINUATION frames cuts the session (`ERR_HTTP2_ERROR`, "Too many CONTINUATION frames");
 *   no option is needed, none can raise it;
 * - RST_STREAM on idle streams: the session is cut (`ERR_HTTP2_ERROR`, PROTOCOL_ERROR); resets of
 *   closed streams are ignored, so a server that resets every request costs only what the
 *   client's retry rules allow;
 * - GOAWAY: streams past `lastStreamId` fail with rstCode 7 (REFUSED_STREAM), and so does a
 *   REFUSED_STREAM reset: both are safe to retry;
 * - a response header list over `settings.maxHeaderListSize`: Node resets the stream with
 *   `ENHANCE_YOUR_CALM` (the session lives), but only on streams opened after the server
 *   acknowledged the SETTINGS. On one opened before (the first burst of a fresh session) a list
 *   under the CONTINUATION cap (up to ~144 KB) reaches `'response'`, where the transport sums its
 *   bytes itself (`header-list-size.ts`) and resets the stream the same way.
 *
 * The transport reports these resets (its own, and Node's for `maxHeaderListSize` or
 * `maxHeaderListPairs`) as undici's `HeadersOverflowError`: what an HTTP/1.1 head over undici's
 * limit fails with.
 *
 * `maxSessionInvalidFrames` and `maxSessionRejectedStreams` are options of Node's servers only
 * (`http2.connect` has no such limit), so they are not here.
 *
 * @internal
 */
export const H2_CLIENT_LIMITS = Object.freeze({
  /**
   * At most 128 response header fields (Node's default, kept explicit): more resets the stream
   * with ENHANCE_YOUR_CALM. HTTP/1.1 servers rarely send more than 40.
   */
  maxHeaderListPairs: 128,
  /**
   * At most 10 MB held by the session's nghttp2 state (Node's default, kept explicit); past it,
   * new streams are refused rather than memory growing without bound.
   */
  maxSessionMemory: 10,
  /** No server push: fanout reads none, and each push would hold a stream and memory. */
  maxReservedRemoteStreams: 0,
  /** The SETTINGS fanout sends: what the server may send it. */
  settings: Object.freeze({
    /** Refuse server push (SETTINGS_ENABLE_PUSH 0). */
    enablePush: false,
    /**
     * 64 KB of response header list, the size HTTP/1.1 servers commonly cap a head at
     * (counted as RFC 9113 counts it: name + value + 32 per field; see above for what enforces
     * it).
     */
    maxHeaderListSize: 65_536,
  }),
} satisfies ClientSessionOptions);
