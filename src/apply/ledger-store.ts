/** The ledger during an apply: updated after each successful send and written at once, so a crash loses nothing sent. */
import { forgetPipe, recordPipe, type Ledger, type RecordedPipe } from '../state/ledger.js';

export class LedgerStore {
  constructor(
    private current: Ledger,
    private readonly write: (ledger: Ledger) => void,
  ) {}

  get ledger(): Ledger {
    return this.current;
  }

  record(p: RecordedPipe, sentSecrets: readonly string[]): void {
    // A rename moves the entry: drop any other address holding this id.
    let next = this.current;
    for (const [address, e] of Object.entries(next.pipes)) if (e.id === p.id && address !== p.address) next = forgetPipe(next, address);
    this.save(recordPipe(next, p, sentSecrets));
  }

  forgetId(id: string): void {
    let next = this.current;
    for (const [address, e] of Object.entries(next.pipes)) if (e.id === id) next = forgetPipe(next, address);
    this.save(next);
  }

  private save(next: Ledger): void {
    if (next === this.current) return;
    this.current = next;
    this.write(next);
  }
}
