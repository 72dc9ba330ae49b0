import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports.js';

/** The built CLI (npm test builds first). */
const CLI = path.resolve('dist/src/cli/index.js');

/** Keep this much of the gateway's output for the report of a failed run. */
const OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * `corpusgate serve` in a child process, as an operator runs it: its own data directory, port and
 * configuration. What is measured (peak RSS) is that process, workers included.
 */
export interface GatewayProcess {
  readonly baseUrl: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
  /** `corpusgate <args>` against the same DATA_DIR (corpus create, apikey create, …): its stdout. */
  admin(args: readonly string[]): Promise<string>;
  /** The peak resident set size so far (VmHWM) in MiB, or null where /proc is not available. */
  peakRssMb(): number | null;
  /** The resident set size now (VmRSS) in MiB, or null where /proc is not available. */
  rssMb(): number | null;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The last of what it wrote to stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-attacks-'));
  const port = await freePort();
  const baseEnv = { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1' };
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...baseEnv, PORT: String(port), ...env },
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2 * OUTPUT_TAIL_BYTES) output = output.slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s:\n${output}`)), 30_000);
    // serve prints its curl line (on stderr, with the rest of its banner) once it listens.
    const onData = () => {
      if (/^echo .*curl .*$/m.test(output)) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });

  const statusFile = `/proc/${child.pid}/status`;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    admin: (args) =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, [CLI, ...args], { env: { ...baseEnv, ...env }, cwd: dataDir }, (error, stdout, stderr) => {
          if (error) reject(new Error(`corpusgate ${args.join(' ')} failed: ${stderr || error.message}`));
          else resolve(stdout.trim());
        });
      }),
    peakRssMb: () => statusMb(statusFile, 'VmHWM'),
    rssMb: () => statusMb(statusFile, 'VmRSS'),
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output.slice(-OUTPUT_TAIL_BYTES),
    async stop() {
      let killed = false;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // SHUTDOWN_GRACE_MS is 3 s in the suite; a process still there after 10 s is killed, and
        // that is a failure: a worker stuck where terminate() cannot reach kept it alive once.
        const killer = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, 10_000);
        await exited;
        clearTimeout(killer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (killed) throw new Error(`the gateway did not exit within 10 s of SIGTERM; its output ended:\n${output.slice(-2000)}`);
    },
  };
}

/** A memory figure of /proc/<pid>/status in MiB; null without /proc (or once the process is gone). */
function statusMb(statusFile: string, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(fs.readFileSync(statusFile, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}
