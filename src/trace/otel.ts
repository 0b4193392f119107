import { createRequire } from 'node:module';
import type * as OTel from '@opentelemetry/api';
import {
  type AttemptObserver,
  addObserverSource,
  type CallObserver,
  type H2SessionContext,
  type ObserverSource,
} from '../http/observer.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import type { Response } from '../http/response.ts';
import { clientAttributes, clientSpanName, errorType } from './http-semconv.ts';
import { fanoutVersion } from './version.ts';

/*
 * OpenTelemetry client spans, when the application has them.
 *
 * `@opentelemetry/api` is an optional peer dependency: it is looked up once, on the first request
 * of a session whose `telemetry` option is on, with `require` from this module's location (the
 * API keeps its state on `globalThis`, so this copy sees what the application's copy registered,
 * whether it was loaded as CommonJS or ESM). Not installed: the source uninstalls itself and a
 * request costs one property read again. Installed but no SDK registered (the API's tracer is the
 * no-op one): a request costs one check of the global provider and gets no observer.
 *
 * One CLIENT span per physical request, as the HTTP semantic conventions ask: a retry or a
 * redirect hop is a span of its own with `http.request.resend_count`, a sibling of the first
 * (all are children of the context that was active when the call was made; for a
 * FuturesSession, when it was submitted). The span starts when the attempt is dispatched and ends
 * when its response is read (or, with `stream: true`, when its headers arrive) or it fails. Each
 * attempt carries its own span as the parent in `traceparent`. A request that never went out
 * (cancelled while queued, a hook that threw) has no span. Error messages are not recorded: they
 * name the URL, query and all.
 */

type Api = typeof OTel;

const INSTRUMENTATION = 'fanout';

// Writes propagation fields as lower-case header names, as every header of a PreparedRequest is.
const HEADER_SETTER: OTel.TextMapSetter<Record<string, string>> = {
  set(headers, key, value) {
    headers[key.toLowerCase()] = value;
  },
};

// The installed source, until installTelemetry() runs; at most one.
let installed: { dispose(): void } | undefined;
// The API, once loaded; set together with the switch to `observeSpans`.
let api: Api;
// The global provider last seen, and its tracer (undefined while it is the no-op proxy).
let seenProvider: OTel.TracerProvider | undefined;
let tracer: OTel.Tracer | undefined;

/**
 * Installs the OpenTelemetry source into the HTTP layer's observer seam. Nothing is loaded until
 * a request of a session with `telemetry` on is made. Calling it again does nothing.
 *
 * @internal
 */
export function installTelemetry(): void {
  installed ??= addObserverSource(observeFirst);
}

// The first call with telemetry on: load the API, then stay (observeSpans) or leave for good.
const observeFirst: ObserverSource = (request, telemetry) => {
  if (!telemetry) return undefined;
  const loaded = loadApi();
  installed?.dispose();
  if (loaded === undefined) return undefined;
  api = loaded;
  installed = addObserverSource(observeSpans);
  return observeSpans(request, telemetry);
};

function loadApi(): Api | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as Api;
  } catch {
    return undefined;
  }
}

const observeSpans: ObserverSource = (_request, telemetry) => {
  if (!telemetry) return undefined;
  const current = currentTracer();
  return current === undefined ? undefined : new SpanCall(current, api.context.active());
};

// The tracer of the registered SDK, or undefined while none is registered. The API's global
// provider is a proxy whose `getDelegateTracer` answers undefined until an SDK registers; after
// `trace.disable()` it is a new proxy, hence the identity check.
function currentTracer(): OTel.Tracer | undefined {
  const provider = api.trace.getTracerProvider();
  if (provider === seenProvider && tracer !== undefined) return tracer;
  seenProvider = provider;
  const proxy = provider as { getDelegateTracer?: (name: string, version?: string) => OTel.Tracer };
  tracer =
    typeof proxy.getDelegateTracer === 'function'
      ? proxy.getDelegateTracer(INSTRUMENTATION, fanoutVersion())
      : provider.getTracer(INSTRUMENTATION, fanoutVersion());
  return tracer;
}

/** One session call: a span per attempt, each a child of the caller's context. */
class SpanCall implements CallObserver {
  readonly propagates = true;
  readonly #tracer: OTel.Tracer;
  // The caller's context when the call was made: the parent of every attempt's span.
  readonly #parent: OTel.Context;
  // Attempts started so far (the next attempt's `http.request.resend_count`).
  #attempts = 0;

  constructor(tracer: OTel.Tracer, parent: OTel.Context) {
    this.#tracer = tracer;
    this.#parent = parent;
  }

  started(): void {}

  asked(): void {}

  bind(): void {}

  attempt(request: PreparedRequest): AttemptObserver {
    const span = this.#tracer.startSpan(
      clientSpanName(request.method),
      { kind: api.SpanKind.CLIENT, attributes: clientAttributes(request, this.#attempts++) },
      this.#parent,
    );
    api.propagation.inject(api.trace.setSpan(this.#parent, span), request.headers, HEADER_SETTER);
    return new SpanAttempt(span);
  }

  ended(): void {}
}

/** The span of one attempt: protocol version, status code and outcome, ended once. */
class SpanAttempt implements AttemptObserver {
  readonly #span: OTel.Span;
  // The status of the response headers, if they arrived (the body may still fail).
  #status: number | undefined;
  #isEnded = false;

  constructor(span: OTel.Span) {
    this.#span = span;
  }

  dispatched(): void {}

  // The version is known once the request goes out: HTTP/2 on an h2 session, else HTTP/1.1.
  sent(session: H2SessionContext | undefined): void {
    this.#span.setAttribute('network.protocol.version', session === undefined ? '1.1' : '2');
  }

  headers(status: number): void {
    this.#status = status;
  }

  ended(response: Response | undefined, error: Error | undefined): void {
    if (this.#isEnded) return;
    this.#isEnded = true;
    const span = this.#span;
    const status = response?.status ?? this.#status;
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    const type = errorType(status, response === undefined ? error : undefined);
    if (type !== undefined) {
      span.setAttribute('error.type', type);
      span.setStatus({ code: api.SpanStatusCode.ERROR });
    }
    span.end();
  }
}
