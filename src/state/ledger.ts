/**
 * The ledger (design §2): what the API cannot tell pipeform. Pipe ids by address, HMAC-SHA256 fingerprints
 * of the secrets last sent (keyed with the API key secret, so the file is safe to commit), the create-only
 * values last sent, and whether a pipe was protected (so a removed manifest cannot unprotect it).
 * Losing it is never fatal: the plan says what it cannot know.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { canonical } from './normalize.js';

export interface LedgerPipe {
  readonly id: string;
  readonly organizationId: string;
  readonly serviceId: string;
  readonly name: string;
  /** Secret path (e.g. source.kafka.credentials) → fingerprint of the value last sent. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Create-only path → value last sent. */
  readonly createOnly: Readonly<Record<string, unknown>>;
  readonly protect?: boolean;
}

export interface Ledger {
  readonly formatVersion: 1;
  readonly pipes: Readonly<Record<string, LedgerPipe>>;
}

export const EMPTY_LEDGER: Ledger = { formatVersion: 1, pipes: {} };

/** A fingerprint of a secret value: HMAC-SHA256 keyed with the API key secret, of the canonical JSON. */
export function fingerprint(keySecret: string, value: unknown): string {
  return `hmac-sha256:${createHmac('sha256', keySecret).update(JSON.stringify(canonical(value))).digest('base64url')}`;
}

export function readLedger(path: string): Ledger {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_LEDGER;
    throw userError('LEDGER_UNREADABLE', `${path}: cannot read the ledger (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw userError('LEDGER_INVALID', `${path}: the ledger is not valid JSON; restore it from git or delete it (plan then says what it cannot know)`);
  }
  const d = data as Partial<Ledger>;
  if (d?.formatVersion !== 1 || typeof d.pipes !== 'object' || d.pipes === null) {
    throw userError('LEDGER_INVALID', `${path}: not a pipeform ledger (formatVersion 1 expected)`);
  }
  return { formatVersion: 1, pipes: d.pipes };
}

/** Written atomically (temp file + rename) with sorted keys, so diffs in git stay small. */
export function writeLedger(path: string, ledger: Ledger): void {
  writeFileAtomic(path, `${JSON.stringify(canonical(ledger), null, 2)}\n`);
}

/** What the ledger keeps of a pipe pipeform just created or changed: its id, the secrets sent, its create-only values. */
export interface RecordedPipe {
  readonly address: string;
  readonly ref: { readonly organizationId: string; readonly serviceId: string };
  readonly id: string;
  readonly name: string;
  readonly secrets: readonly { readonly path: string; readonly fingerprint?: string }[];
  readonly createOnly: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
}

export function recordPipe(ledger: Ledger, p: RecordedPipe, sentSecrets: readonly string[]): Ledger {
  return { ...ledger, pipes: { ...ledger.pipes, [p.address]: ledgerEntry(ledger.pipes[p.address], p, sentSecrets) } };
}

/** The entry after a send: fingerprints of the secrets sent replace the old ones; the rest carries over for the same id. */
export function ledgerEntry(before: LedgerPipe | undefined, p: RecordedPipe, sentSecrets: readonly string[]): LedgerPipe {
  const same = before?.id === p.id ? before : undefined;
  const secrets: Record<string, string> = { ...(same?.secrets ?? {}) };
  for (const s of p.secrets) if (sentSecrets.includes(s.path) && s.fingerprint) secrets[s.path] = s.fingerprint;
  return {
    id: p.id, organizationId: p.ref.organizationId, serviceId: p.ref.serviceId, name: p.name, secrets,
    createOnly: { ...(same?.createOnly ?? {}), ...p.createOnly }, ...(p.protect ? { protect: true } : {}),
  };
}
