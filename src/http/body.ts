import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ownValue } from '../core/validate.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { BodyInit, ParamsInit } from './options.ts';
import type { WireBody } from './prepared-request.ts';
import { encodeParams, normalizeParams } from './url.ts';

/** A body ready for the transport, with the content type it implies. */
export interface EncodedBody {
  body: WireBody;
  contentType: string | undefined;
  isReplayable: boolean;
}

/** The body-bearing fields of request options. */
export interface BodySource {
  json?: unknown;
  form?: ParamsInit;
  body?: BodyInit;
}

const NO_BODY: EncodedBody = { body: null, contentType: undefined, isReplayable: true };

function encodeJSON(value: unknown): EncodedBody {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidRequestError(`\`json\` cannot be serialised: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new InvalidRequestError(`\`json\` cannot be serialised: got ${typeof value}`);
  }
  return { body: text, contentType: 'application/json', isReplayable: true };
}

function encodeRaw(body: BodyInit): EncodedBody {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return { body, contentType: undefined, isReplayable: true };
  }
  if (body instanceof ArrayBuffer) {
    return { body: new Uint8Array(body), contentType: undefined, isReplayable: true };
  }
  if (body instanceof FormData) {
    const { body: encoded, contentType } = encodeMultipart(body);
    return { body: encoded, contentType, isReplayable: true };
  }
  if (body instanceof Blob) {
    return { body, contentType: body.type || undefined, isReplayable: true };
  }
  if (body instanceof ReadableStream) {
    return { body: Readable.fromWeb(body as never), contentType: undefined, isReplayable: false };
  }
  if (body instanceof Readable || Symbol.asyncIterator in Object(body)) {
    return { body: body as Readable, contentType: undefined, isReplayable: false };
  }
  throw new InvalidRequestError(
    `Invalid \`body\`: expected a string, bytes, Blob, FormData or stream, got ${typeof body}`,
  );
}

/** Encodes whichever of `json`, `form` and `body` is given; giving more than one is an error. */
export function encodeBody(source: BodySource): EncodedBody {
  const json = ownValue(source, 'json', source.json);
  const form = ownValue(source, 'form', source.form);
  const body = ownValue(source, 'body', source.body);
  const hasBody = body !== undefined && body !== null;
  if (Number(json !== undefined) + Number(form !== undefined) + Number(hasBody) > 1) {
    throw new InvalidRequestError('Give only one of `json`, `form` and `body`');
  }
  if (json !== undefined) return encodeJSON(json);
  if (form !== undefined) {
    const encoded = encodeParams(normalizeParams(form as ParamsInit, 'form'));
    return { body: encoded, contentType: 'application/x-www-form-urlencoded', isReplayable: true };
  }
  if (hasBody) return encodeRaw(body);
  return NO_BODY;
}

function escapeField(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Encodes a `FormData` as `multipart/form-data` (RFC 7578, WHATWG escaping) into one `Blob`: its
 * size is known at once (so `content-length` is sent) and it can be sent again for retries.
 */
export function encodeMultipart(form: FormData): { body: Blob; contentType: string } {
  const boundary = `----fanout${randomUUID().replaceAll('-', '')}`;
  const parts: (string | Blob)[] = [];
  for (const [name, value] of form) {
    const field = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeField(name)}"`;
    if (typeof value === 'string') {
      parts.push(`${field}\r\n\r\n${value.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n')}\r\n`);
    } else {
      const type = value.type || 'application/octet-stream';
      parts.push(
        `${field}; filename="${escapeField(value.name)}"\r\nContent-Type: ${type}\r\n\r\n`,
        value,
        '\r\n',
      );
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
