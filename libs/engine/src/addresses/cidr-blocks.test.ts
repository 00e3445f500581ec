import { describe, expect, it } from 'vitest';
import { cidrContainsCidr, cidrsOverlap, parseCidr, parseIpAddress } from './cidr-blocks';

describe('cidr blocks', () => {
  it('parses IPv4 and IPv6, rejecting shorthand and bad prefixes', () => {
    expect(parseCidr('10.0.0.1/8')).toMatchObject({ family: 4, prefix: 8, network: 10n << 24n });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 6, prefix: 32 });
    expect(parseCidr('10.1/8')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseIpAddress('0x0a.0.0.1')).toBeUndefined();
  });

  it('containment and overlap', () => {
    const a = parseCidr('10.96.0.0/12')!;
    const b = parseCidr('10.100.0.0/16')!;
    expect(cidrContainsCidr(a, b)).toBe(true);
    expect(cidrContainsCidr(b, a)).toBe(false);
    expect(cidrsOverlap(a, b)).toBe(true);
    expect(cidrsOverlap(a, parseCidr('10.244.0.0/16')!)).toBe(false);
    expect(cidrsOverlap(a, parseCidr('::/0')!)).toBe(false);
  });
});
