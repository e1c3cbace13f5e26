// Preloaded into the pipeform process by the benchmarks (node --import): writes its CPU time and peak
// memory to $PIPEFORM_BENCH_OUT when it exits.
import { writeFileSync } from 'node:fs';

const out = process.env.PIPEFORM_BENCH_OUT;
if (out) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: usage.maxRSS / 1024 }));
  });
}
