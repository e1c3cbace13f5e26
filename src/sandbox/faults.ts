/** `--faults` for the sandbox: which misbehaviours of the real API to reproduce, drawn from a seeded generator. */
import { userError } from '../errors.js';

export interface Faults {
  /** Probability of a 500/502/503 before the request is processed. */
  readonly serverErrors: number;
  /** Probability that a pipe create is carried out and then answered with CloudFront's HTML 504. */
  readonly gatewayTimeoutAfterCreate: number;
  /** Probability that the connection is dropped before the request is processed. */
  readonly resets: number;
  readonly idle: boolean;
  readonly zeroScaling: boolean;
  readonly quantityStrings: boolean;
  /** Read-back the provider guards against but the spec forbids: engine "MergeTree()", sortingKey null. */
  readonly legacyReadback: boolean;
  /** A PATCH answers 200 but drops destination.columns, as the real PATCH drops settings (clickhousectl #824). */
  readonly dropColumns: boolean;
  /** A create ignores the requested scaling and starts at the defaults (the provider then PATCHes /scaling). */
  readonly ignoreCreateScaling: boolean;
  readonly seed: number;
}

export const NO_FAULTS: Faults = { serverErrors: 0, gatewayTimeoutAfterCreate: 0, resets: 0, idle: false, zeroScaling: false, quantityStrings: false, legacyReadback: false, dropColumns: false, ignoreCreateScaling: false, seed: 1 };

const NAMES = ['5xx', '504-after-create', 'reset', 'idle', 'zero-scaling', 'quantity-strings', 'legacy-readback', 'drop-columns', 'ignore-create-scaling', 'seed'] as const;

/** Parses `5xx=0.1,504-after-create,idle,seed=7`. */
export function parseFaults(spec: string | undefined): Faults {
  const faults: { -readonly [K in keyof Faults]: Faults[K] } = { ...NO_FAULTS };
  for (const part of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, raw] = part.split('=', 2) as [string, string | undefined];
    const probability = () => {
      const p = raw === undefined ? 1 : Number(raw);
      if (!Number.isFinite(p) || p < 0 || p > 1) throw userError('SANDBOX_FAULTS', `--faults ${name}: expected a probability between 0 and 1, got "${raw}"`);
      return p;
    };
    switch (name as (typeof NAMES)[number]) {
      case '5xx': faults.serverErrors = probability(); break;
      case '504-after-create': faults.gatewayTimeoutAfterCreate = probability(); break;
      case 'reset': faults.resets = probability(); break;
      case 'idle': faults.idle = true; break;
      case 'zero-scaling': faults.zeroScaling = true; break;
      case 'quantity-strings': faults.quantityStrings = true; break;
      case 'legacy-readback': faults.legacyReadback = true; break;
      case 'drop-columns': faults.dropColumns = true; break;
      case 'ignore-create-scaling': faults.ignoreCreateScaling = true; break;
      case 'seed': faults.seed = Number(raw ?? 1) | 0; break;
      default:
        throw userError('SANDBOX_FAULTS', `--faults: unknown fault "${name}"; known: ${NAMES.join(', ')}`);
    }
  }
  return faults;
}

/** mulberry32: small, fast and repeatable for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
