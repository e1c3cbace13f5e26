/** LedgerStore: every send recorded at once in memory, written at most every interval, flushed on demand. */
import { describe, expect, it } from 'vitest';
import { LedgerStore } from '../../src/apply/ledger-store.js';
import { EMPTY_LEDGER, type Ledger } from '../../src/state/ledger.js';

const rec = (address: string, id: string, name = address.split('/')[1]!) => ({
  address, ref: { organizationId: 'o', serviceId: 's' }, id, name, secrets: [{ path: 'source.kafka.credentials', fingerprint: `fp-${id}` }], createOnly: {}, protect: false,
});

describe('LedgerStore', () => {
  it('writes the first change at once, coalesces a burst, and flushes the rest', () => {
    let t = 0;
    const writes: Ledger[] = [];
    const store = new LedgerStore(EMPTY_LEDGER, (l) => writes.push(l), 100, () => t);
    store.record(rec('prod/a', '1'), ['source.kafka.credentials']);
    expect(writes).toHaveLength(1);
    for (let i = 2; i <= 50; i++) store.record(rec(`prod/p${i}`, String(i)), []);
    expect(writes).toHaveLength(1); // within 100 ms of the first: held
    expect(Object.keys(store.ledger.pipes)).toHaveLength(50); // but in memory at once
    store.flush();
    expect(writes).toHaveLength(2);
    expect(Object.keys(writes[1]!.pipes)).toHaveLength(50);
    store.flush();
    expect(writes).toHaveLength(2); // nothing new to write
    t = 500;
    store.forgetId('1');
    expect(writes).toHaveLength(3);
    expect(writes[2]!.pipes['prod/a']).toBeUndefined();
  });

  it('a rename moves the entry and keeps its fingerprints', () => {
    const store = new LedgerStore(EMPTY_LEDGER, () => {}, 0);
    store.record(rec('prod/old', '7'), ['source.kafka.credentials']);
    store.record(rec('prod/new', '7'), []);
    expect(store.ledger.pipes).toEqual({ 'prod/new': { id: '7', organizationId: 'o', serviceId: 's', name: 'new', secrets: { 'source.kafka.credentials': 'fp-7' }, createOnly: {} } });
  });
});
