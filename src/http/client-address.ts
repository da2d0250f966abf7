import { isIPv4, isIPv6 } from 'node:net';
import type { Request } from 'express';

/**
 * The client address every throttle keys on (console sign-in, ticket lookups, widget messages):
 * `req.ip`, which express derives from X-Forwarded-For only for the proxies TRUST_PROXY trusts, else the
 * TCP peer. An IPv4-mapped IPv6 address counts as its IPv4 address, and an IPv6 address by its /64
 * prefix: one subscriber's network usually has a whole /64, and rotating addresses inside it must not
 * give a client fresh counts.
 */
export function clientAddress(req: Pick<Request, 'ip' | 'socket'>): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return throttleAddress(ip);
}

/** The address as a throttle counts it (see clientAddress); unparsable input comes back as it is, or '-'. */
export function throttleAddress(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(ip)) return ip || '-';
  return `${ipv6Groups(ip.split('%')[0]!).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, '::' expanded, each in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const parts = (s: string | undefined): string[] => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['v4', 'v4'] : [g])) : []);
  const before = parts(head);
  const after = parts(tail);
  const groups = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  return groups.map((g) => (g === 'v4' ? '0' : parseInt(g, 16).toString(16)));
}
