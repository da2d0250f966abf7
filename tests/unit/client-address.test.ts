import { describe, expect, it } from 'vitest';
import { clientAddress, throttleAddress } from '../../src/http/client-address.js';

describe('the address a throttle counts', () => {
  it('When the client is on IPv4, or IPv4 mapped into IPv6, then it is the IPv4 address', () => {
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('When the client is on IPv6, then every address of its /64 counts as one', () => {
    expect(throttleAddress('2001:db8:85a3:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:85a3:1::/64');
    expect(throttleAddress('2001:0DB8:85A3:0001::1')).toBe('2001:db8:85a3:1::/64');
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleAddress('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('When there is no address, then all such requests share one count', () => {
    expect(throttleAddress('')).toBe('-');
    expect(clientAddress({ ip: undefined, socket: { remoteAddress: undefined } } as never)).toBe('-');
    expect(clientAddress({ ip: '198.51.100.7', socket: { remoteAddress: '127.0.0.1' } } as never)).toBe('198.51.100.7');
  });
});
