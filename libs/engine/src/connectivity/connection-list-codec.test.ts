import { describe, expect, it } from 'vitest';
import { connectionsOf, allConnections } from './connection-set';
import { decodeConnectionList, encodeConnectionList } from './connection-list-codec';
import type { ConnectionRow } from './connection-list';

const rows: ConnectionRow[] = [
  { src: 'shop/web[Deployment]', dst: 'shop/api[Deployment]', conn: 'TCP 8080', connections: connectionsOf('TCP', 8080, 8080) },
  { src: 'shop/api[Deployment]', dst: 'shop/db[StatefulSet]', conn: 'All Connections', connections: allConnections() },
  { src: 'shop/web[Deployment]', dst: 'shop/db[StatefulSet]', conn: 'TCP 8080', connections: connectionsOf('TCP', 8080, 8080) },
];

describe('connection list codec', () => {
  it('gives back the rows, in order, through JSON', () => {
    const encoded = JSON.parse(JSON.stringify(encodeConnectionList(rows)));
    expect(decodeConnectionList(encoded)).toEqual(rows);
    expect(encoded.names).toHaveLength(3);
    expect(encoded.sets).toHaveLength(2);
  });

  it('reads the plain row form as it is', () => {
    expect(decodeConnectionList(rows)).toBe(rows);
    expect(decodeConnectionList(encodeConnectionList([]))).toEqual([]);
  });
});
