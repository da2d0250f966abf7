/**
 * Which push services a browser's Web Push endpoint may name (WEB_PUSH_ALLOWED_HOSTS). The endpoint is
 * a URL the server will POST to, so it is checked against an allow-list before it is stored (SSRF):
 *
 * - `host` (e.g. `fcm.googleapis.com`): that host exactly, over https on the default port;
 * - `*.suffix` (e.g. `*.push.apple.com`): any host below `suffix` (not `suffix` itself), https, default port;
 * - `https://host:port`: that host and port, over https;
 * - `http://host:port` (or `http://host`): the only way plain http is allowed, for that host and port
 *   exactly (a local fake push service in tests or a development setup). Never use it in production.
 *
 * Endpoints with credentials (`user:pass@`), a fragment, or longer than MAX_ENDPOINT_LENGTH are refused.
 */

export interface PushHostRule {
  scheme: 'https' | 'http';
  /** Lower-case host name or IP literal; for a wildcard, the suffix without `*.`. */
  host: string;
  wildcard: boolean;
  /** The port as written, or '' for the scheme's default. */
  port: string;
}

export const MAX_ENDPOINT_LENGTH = 2048;

/** The push services of Chrome (FCM), Firefox (Mozilla autopush), Edge (WNS) and Safari (Apple). */
export const DEFAULT_PUSH_HOSTS = 'fcm.googleapis.com,updates.push.services.mozilla.com,*.notify.windows.com,*.push.apple.com';

const HOST = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** One entry of WEB_PUSH_ALLOWED_HOSTS; throws an Error saying what is wrong. */
export function parsePushHostRule(entry: string): PushHostRule {
  const text = entry.trim().toLowerCase();
  const scheme = /^(https?):\/\//.exec(text);
  const rest = scheme ? text.slice(scheme[0].length).replace(/\/$/, '') : text;
  const m = /^([^:/]+)(?::(\d{1,5}))?$/.exec(rest);
  if (!m) throw new Error('expected host, *.domain, https://host:port or http://host:port');
  const [, host = '', port = ''] = m;
  if (!HOST.test(host) && !IPV4.test(host)) throw new Error('not a host name');
  const wildcard = host.startsWith('*.');
  if (wildcard && scheme) throw new Error('a wildcard host takes no scheme');
  if (port && !scheme) throw new Error('a port needs the scheme (https://host:port or http://host:port)');
  if (port && Number(port) > 65535) throw new Error('port out of range');
  return { scheme: scheme?.[1] === 'http' ? 'http' : 'https', host: wildcard ? host.slice(2) : host, wildcard, port };
}

/** Comma-separated rules (WEB_PUSH_ALLOWED_HOSTS). */
export function parsePushHostRules(spec: string): PushHostRule[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parsePushHostRule);
}

/** Whether the server may POST to `endpoint` (see the module comment). */
export function pushEndpointAllowed(endpoint: string, rules: readonly PushHostRule[]): boolean {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  const scheme = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (!scheme) return false;
  const host = url.hostname.toLowerCase();
  return rules.some((rule) => {
    if (rule.scheme !== scheme || rule.port !== url.port) return false;
    return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host;
  });
}
