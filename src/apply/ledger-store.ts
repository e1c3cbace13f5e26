/**
 * The ledger during an apply: updated in memory after each successful send, and written to disk at once,
 * or — when writes come faster than `minIntervalMs` (a thousand creates) — at most every `minIntervalMs`,
 * and always on `flush()`. A crash can lose at most that interval of entries; the next plan then adopts
 * those pipes by name (no duplicate) and says which of their secrets it cannot verify.
 */
import { ledgerEntry, type Ledger, type LedgerPipe, type RecordedPipe } from '../state/ledger.js';

export class LedgerStore {
  /** Mutated in place: copying a thousand entries per send would make an apply quadratic. */
  private readonly pipes: Record<string, LedgerPipe>;
  private readonly addressOfId = new Map<string, string>();
  private dirty = false;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly initial: Ledger,
    private readonly write: (ledger: Ledger) => void,
    private readonly minIntervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {
    this.pipes = { ...initial.pipes };
    for (const [address, e] of Object.entries(this.pipes)) this.addressOfId.set(e.id, address);
  }

  get ledger(): Ledger {
    return { ...this.initial, pipes: { ...this.pipes } };
  }

  record(p: RecordedPipe, sentSecrets: readonly string[]): void {
    // A rename moves the entry: the id's old address goes.
    const old = this.addressOfId.get(p.id);
    const before = old === undefined ? undefined : this.pipes[old];
    if (old !== undefined && old !== p.address) delete this.pipes[old];
    this.pipes[p.address] = ledgerEntry(before, p, sentSecrets);
    this.addressOfId.set(p.id, p.address);
    this.save();
  }

  forgetId(id: string): void {
    const address = this.addressOfId.get(id);
    if (address === undefined) return;
    delete this.pipes[address];
    this.addressOfId.delete(id);
    this.save();
  }

  /** Writes what is not written yet. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    this.lastWrite = this.now();
    this.write(this.ledger);
  }

  private save(): void {
    this.dirty = true;
    const wait = this.lastWrite + this.minIntervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait).unref();
  }
}
