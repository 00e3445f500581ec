import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { parseEndpointRef, parsePortRef, parseProtocol } from './endpoint-ref';

describe('endpoint references', () => {
  it('reads pods, workloads by kubectl names, and IP addresses', () => {
    expect(parseEndpointRef('shop/web-0', 'from')).toEqual({ type: 'pod', namespace: 'shop', name: 'web-0' });
    expect(parseEndpointRef('deploy/shop/api', 'from')).toEqual({ type: 'workload', kind: 'Deployment', namespace: 'shop', name: 'api' });
    expect(parseEndpointRef('sts/shop/db', 'to')).toEqual({ type: 'workload', kind: 'StatefulSet', namespace: 'shop', name: 'db' });
    expect(parseEndpointRef('pod/shop/db-0', 'to')).toEqual({ type: 'pod', namespace: 'shop', name: 'db-0' });
    expect(parseEndpointRef('10.1.2.3', 'to')).toEqual({ type: 'ip', ip: '10.1.2.3' });
    expect(parseEndpointRef('2001:db8::1', 'to')).toEqual({ type: 'ip', ip: '2001:db8::1' });
  });

  it('names the parameter at fault', () => {
    for (const [text, field] of [['', 'from'], ['a/b/c/d', 'to'], ['svc/shop/api', 'from'], ['shop/', 'to']] as const) {
      try {
        parseEndpointRef(text, field);
        expect.unreachable(text);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).errors[0]!.path).toBe(field);
      }
    }
  });

  it('reads ports and protocols', () => {
    expect(parsePortRef('8080')).toBe(8080);
    expect(parsePortRef('http')).toBe('http');
    expect(() => parsePortRef('0')).toThrow(DomainError);
    expect(() => parsePortRef('70000')).toThrow(DomainError);
    expect(() => parsePortRef('Bad_Name')).toThrow(DomainError);
    expect(parseProtocol(undefined)).toBe('TCP');
    expect(parseProtocol('udp')).toBe('UDP');
    expect(() => parseProtocol('ICMP')).toThrow(DomainError);
  });
});
