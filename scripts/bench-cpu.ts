/**
 * CPU time spent by processes, read from /proc (Linux; elsewhere every figure is NaN): for the
 * scale-out bench, which tells how much CPU one upload costs the gateway and the database. On a
 * shared machine CPU time per upload varies far less than wall-clock throughput, and on 2 cores it
 * bounds what a second process can add.
 */
import fs from 'node:fs';
import os from 'node:os';

const TICK_MS = 1000 / 100; // USER_HZ is 100 on every Linux Node supports

/** utime + stime of a process (all its threads), in ms; 0 when it is gone. */
function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Every process whose command name is `name`, with its CPU ms so far. */
function byName(name: string): Map<number, number> {
  const found = new Map<number, number>();
  if (os.platform() !== 'linux') return found;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'latin1').trim() === name) found.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export interface CpuSample {
  readonly gateways: number;
  readonly postgres: ReadonlyMap<number, number>;
}

export function sampleCpu(gatewayPids: readonly number[]): CpuSample {
  return { gateways: gatewayPids.reduce((sum, pid) => sum + processCpuMs(pid), 0), postgres: byName('postgres') };
}

/** CPU ms spent between two samples by the gateways and by PostgreSQL (backends started meanwhile count from 0). */
export function cpuBetween(before: CpuSample, after: CpuSample): { gateways: number; postgres: number } {
  if (os.platform() !== 'linux') return { gateways: NaN, postgres: NaN };
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  return { gateways: after.gateways - before.gateways, postgres };
}
