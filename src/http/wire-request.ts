import type { Config } from './config.ts';
import { runHooks } from './hooks.ts';
import type { PreparedRequest } from './prepared-request.ts';

/**
 * Whether the request that goes on the wire differs from the hop: cookies to add (the jar's, or
 * the `cookies` option's on the call's own origin), a signer to run there, or `beforeRequest`
 * hooks. When it does not, the hop itself is sent, and the attempt costs no copy.
 *
 * @internal
 */
export function needsWireCopy(
  hop: PreparedRequest,
  config: Config,
  authOrigin: string,
  jarCookie: string,
): boolean {
  if (jarCookie !== '' || (config.hooks?.beforeRequest.length ?? 0) > 0) return true;
  return (
    hop.origin === authOrigin && (config.auth?.sign !== undefined || config.cookies !== undefined)
  );
}

/**
 * The request as it goes on the wire: a copy of the hop with the jar's and the option's cookies
 * (the latter, and signing, only on `authOrigin`, where the call began), signed, and passed
 * through the `beforeRequest` hooks.
 *
 * @internal
 */
export async function wireRequest(
  hop: PreparedRequest,
  config: Config,
  authOrigin: string,
  jarCookie: string,
): Promise<PreparedRequest> {
  const request = hop.copy();
  const headers = request.headers;
  if (headers.cookie === undefined) {
    const cookie = cookieHeader(jarCookie, hop.origin === authOrigin ? config.cookies : undefined);
    if (cookie !== '') headers.cookie = cookie;
  }
  if (config.auth?.sign !== undefined && hop.origin === authOrigin)
    await config.auth.sign({ request });
  await runHooks(config.hooks, 'beforeRequest', { request });
  return request;
}

// The `Cookie` header: the jar's pairs, with the option's pairs set over them by name.
function cookieHeader(
  fromJar: string,
  extra: Readonly<Record<string, string>> | undefined,
): string {
  if (extra === undefined) return fromJar;
  const pairs = new Map<string, string>();
  for (const pair of fromJar === '' ? [] : fromJar.split('; ')) {
    const at = pair.indexOf('=');
    pairs.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const name of Object.keys(extra)) pairs.set(name, extra[name] as string);
  return [...pairs].map(([name, value]) => `${name}=${value}`).join('; ');
}
