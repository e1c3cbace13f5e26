/**
 * A test world for the plan: manifests from the world builders, a sandbox World driven in-process as the
 * live side (so read-back quirks are the sandbox's, not hand-written), and a ledger kept as apply keeps it.
 * `w.converge(docs)` creates what the manifests declare; `w.plan(docs)` plans against what is live.
 */
import { resolveBody } from '../../src/apply/resolve-body.js';
import type { ClickPipe } from '../../src/api/types.js';
import { loadManifests } from '../../src/manifest/load.js';
import type { ResolveEnv } from '../../src/manifest/resolve.js';
import { buildDesired, getPath, type Desired, type DesiredPipe } from '../../src/plan/desired.js';
import { plan } from '../../src/plan/plan.js';
import { CREATE_ONLY_PATHS } from '../../src/plan/policy.js';
import type { Plan, PlanOptions } from '../../src/plan/types.js';
import { EMPTY_LEDGER, recordPipe, type Ledger } from '../../src/state/ledger.js';
import type { Live } from '../../src/state/live.js';
import { World } from '../../src/sandbox/world.js';
import { memoryFs } from './memory-fs.js';
import { yamlOf } from './world.js';

export const KEY_SECRET = 'test-key-secret';
export const SECRET_ENV: Record<string, string> = { KAFKA_PASSWORD: 'kafka-pw-1', S3_SECRET: 's3-secret-1', AZ: 'az-conn-1', PG: 'pg-pw-1', MY: 'my-pw-1', MG: 'mg-pw-1' };
export const SECRET_FILES: Record<string, string> = { '/m/sa.json': '{"k":"pubsub-key"}', '/m/bq.json': '{"k":"bq-key"}' };
export const PHASE = 1000;


export class PlanWorld {
  now = 1_700_000_000_000;
  ledger: Ledger = EMPTY_LEDGER;
  env: Record<string, string | undefined> = { ...SECRET_ENV };
  files: Record<string, string> = { ...SECRET_FILES };
  readonly world: World;
  private ids = 0;

  constructor(options: { quantityStrings?: boolean; zeroScaling?: boolean; legacyReadback?: boolean } = {}) {
    this.world = new World({ version: 1, services: [] }, {
      now: () => this.now, startIdle: false, phaseMs: PHASE, newId: () => `00000000-0000-4000-8000-${String(++this.ids).padStart(12, '0')}`,
      zeroScaling: options.zeroScaling ?? false, quantityStrings: options.quantityStrings ?? false, legacyReadback: options.legacyReadback ?? false,
    });
  }

  resolveEnv(): ResolveEnv {
    return {
      env: this.env,
      cwd: '/m',
      readFile: (p) => {
        if (!(p in this.files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return Buffer.from(this.files[p]!);
      },
    };
  }

  desired(...docs: unknown[]): Desired {
    const loaded = loadManifests(['/m/m.yaml'], memoryFs({ '/m/m.yaml': yamlOf(...docs) }));
    if (!loaded.set) throw new Error(`invalid test manifests:\n${loaded.diagnostics.map((d) => `${d.field}: ${d.message}`).join('\n')}`);
    return buildDesired(loaded.set, this.resolveEnv(), KEY_SECRET);
  }

  live(desired: Desired): Live {
    return Object.fromEntries(
      desired.services.map((s) => {
        let cdc: Live[string]['cdcScaling'];
        try {
          cdc = s.cdcScaling ? this.world.getCdcScaling(s.organizationId, s.serviceId) : undefined;
        } catch {
          cdc = 'unavailable';
        }
        return [s.alias, {
          alias: s.alias, ref: { organizationId: s.organizationId, serviceId: s.serviceId },
          pipes: this.world.listPipes(s.organizationId, s.serviceId),
          endpoints: this.world.listEndpoints(s.organizationId, s.serviceId),
          cdcScaling: cdc,
        }];
      }),
    );
  }

  plan(docs: unknown[], options: PlanOptions = {}): Plan {
    const d = this.desired(...docs);
    return plan(d, this.live(d), this.ledger, options);
  }

  /** Creates every declared endpoint and pipe as apply would (stopped ones stopped), records the ledger, and lets lifecycles settle. */
  converge(...docs: unknown[]): Desired {
    const d = this.desired(...docs);
    const endpointIds = new Map<string, string>();
    for (const e of d.endpoints) {
      const s = d.services.find((x) => x.alias === e.service)!;
      endpointIds.set(e.name, this.world.createEndpoint(s.organizationId, s.serviceId, e.body).id);
    }
    for (const p of d.pipes) this.create(d, p, endpointIds);
    for (const s of d.services) if (s.cdcScaling) this.world.patchCdcScaling(s.organizationId, s.serviceId, s.cdcScaling);
    this.settle();
    return d;
  }

  create(d: Desired, p: DesiredPipe, endpointIds = new Map<string, string>()): ClickPipe {
    const s = d.services.find((x) => x.alias === p.service)!;
    const body = resolveBody(p.body, this.resolveEnv(), (n) => endpointIds.get(n), p.address);
    const created = this.world.createPipe(s.organizationId, s.serviceId, body);
    if (p.state === 'stopped') this.world.patchState(s.organizationId, s.serviceId, created.id, { command: 'stop' });
    const createOnly = Object.fromEntries(CREATE_ONLY_PATHS.filter((k) => k in p.flat).map((k) => [k, p.flat[k]]));
    this.ledger = recordPipe(this.ledger, { address: p.address, ref: s, id: created.id, name: p.name, secrets: p.secrets, createOnly, protect: p.protect }, p.secrets.map((x) => x.path));
    return created;
  }

  settle(): void {
    this.now += PHASE * 10;
  }

  /** The live pipe of an address, for direct edits through the sandbox's own operations. */
  pipeOf(d: Desired, address: string): { org: string; svc: string; id: string } {
    const p = d.pipes.find((x) => x.address === address)!;
    const s = d.services.find((x) => x.alias === p.service)!;
    const live = this.world.listPipes(s.organizationId, s.serviceId).find((x) => x.name === p.name)!;
    return { org: s.organizationId, svc: s.serviceId, id: live.id };
  }
}

export { getPath };
