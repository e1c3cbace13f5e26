/**
 * `--progress-port`: the seed's mongosync-style `GET /api/v1/progress` on 127.0.0.1 only (design §5),
 * answering from the apply's progress events. It exposes addresses, states and counts: no credentials,
 * no bodies. `canCommit` turns true once every pipe reached its target state.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProgressEvent, ProgressSink } from './progress.js';

interface PipeProgress {
  step?: string;
  state?: string;
  outcome?: string;
}

export class ProgressServer {
  private readonly pipes = new Map<string, PipeProgress>();
  private phase: 'IDLE' | 'RUNNING' | 'COMMITTED' | 'FAILED' = 'IDLE';
  private stepsDone = 0;
  private stepsTotal = 0;
  private error?: string;
  private readonly server: Server;

  private constructor(private readonly destination: string) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = req.method === 'GET' && url.pathname === '/api/v1/progress' ? this.body() : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { success: false, error: 'NOT_FOUND', errorDescription: 'only GET /api/v1/progress is served' }));
    });
  }

  static async start(port: number, destination: string): Promise<ProgressServer> {
    const s = new ProgressServer(destination);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(port, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  readonly sink: ProgressSink = (e: ProgressEvent) => {
    switch (e.type) {
      case 'start':
        this.phase = 'RUNNING';
        for (const a of e.addresses) this.pipes.set(a, {});
        break;
      case 'step':
        if (e.status === 'start') this.stepsTotal++;
        if (e.status === 'done') this.stepsDone++;
        this.entry(e.address).step = e.step;
        break;
      case 'state':
        this.entry(e.address).state = e.state;
        break;
      case 'action':
        this.entry(e.address).outcome = e.outcome;
        break;
      case 'finish':
        this.phase = e.outcomes.failed + e.outcomes.timeout > 0 ? 'FAILED' : 'COMMITTED';
        if (this.phase === 'FAILED') this.error = `${e.outcomes.failed} failed, ${e.outcomes.timeout} timed out, ${e.outcomes.skipped} skipped`;
        break;
    }
  };

  private entry(address: string): PipeProgress {
    let p = this.pipes.get(address);
    if (!p) this.pipes.set(address, (p = {}));
    return p;
  }

  private body(): unknown {
    if (this.phase === 'FAILED') return { success: false, error: 'APPLY_FAILED', errorDescription: this.error };
    const all = [...this.pipes.values()];
    const arrived = all.filter((p) => p.outcome === 'done').length;
    const idle = this.phase === 'IDLE';
    return {
      success: true,
      progress: {
        state: this.phase,
        canCommit: this.phase === 'COMMITTED' || (all.length > 0 && arrived === all.length),
        canWrite: idle ? null : this.phase === 'COMMITTED',
        info: idle ? null : `${arrived} of ${all.length} objects at their target state`,
        lagTimeSeconds: null,
        totalEventsApplied: idle ? null : this.stepsDone,
        collectionCopy: idle ? null : { estimatedTotalBytes: Math.max(1, this.stepsTotal), estimatedCopiedBytes: Math.min(this.stepsDone, Math.max(1, this.stepsTotal)) },
        directionMapping: idle ? null : { Source: 'manifests', Destination: this.destination },
        pipes: idle ? null : Object.fromEntries(this.pipes),
      },
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
