import { HeaderRecord } from './headers.ts';
import { Response, type ResponseHeaders } from './response.ts';

/**
 * A caller's own copy of a buffered response, for calls that shared one exchange (coalescing):
 * a new object with its own headers, body bytes, request and history, so `json()`, `text` and
 * any change one caller makes never reach another. Parsed values are not copied: each copy
 * parses its body on first use.
 *
 * @internal
 */
export function responseView(response: Response): Response {
  const view = new Response(
    response.request.copy(),
    response.status,
    response.reason,
    copyHeaders(response.headers),
    Buffer.from(response.content),
    response.elapsed,
  );
  if (response.history.length > 0) view.history = response.history.map(responseView);
  return view;
}

function copyHeaders(headers: ResponseHeaders): ResponseHeaders {
  const copy: Record<string, string | string[] | undefined> = new HeaderRecord();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    copy[name] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
