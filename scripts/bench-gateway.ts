/**
 * The extraction bench's gateway: the real server (startServer) in a process of its own, as in
 * production, which measures each phase it is asked to from the inside (event-loop delay,
 * main-thread load and heap, getrusage peak RSS) and reports over IPC. The bench drives it with
 * startGatewayProcess(); the forked process runs this file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../src/auth/index.js';
import { loadConfig } from '../src/config/index.js';
import { startServer } from '../src/server.js';
import type { Target } from './bench-kit.js';

const THIS_FILE = fileURLToPath(import.meta.url);

/** What the gateway process serves: one customer and corpus, with this many workers. */
export interface GatewaySetup {
  readonly customerId: string;
  readonly corpusId: string;
  readonly workers: number;
}

/** What the gateway process measured over one phase. */
export interface PhaseStats {
  /** Event-loop delay (ms), monitorEventLoopDelay at 10 ms resolution. */
  readonly loopMax: number;
  readonly loopP99: number;
  /** Main-thread busy share, performance.eventLoopUtilization(). */
  readonly mainBusy: number;
  /** Peak main-isolate heap + external (bytes), sampled every 25 ms. */
  readonly mainPeak: number;
  /** RSS at the start of the phase, and the process's peak RSS since it started (getrusage). */
  readonly rssBefore: number;
  readonly maxRss: number;
}

type ToGateway = { readonly type: 'phase-start' } | { readonly type: 'phase-end' } | { readonly type: 'stop' };
type FromGateway = { readonly type: 'ready'; readonly port: number; readonly token: string } | { readonly type: 'phase'; readonly stats: PhaseStats } | { readonly type: 'ack' };


/** The gateway's side: the real server (startServer) plus the phase measurements, driven over IPC. */
async function runGatewayProcess(dataDir: string, { customerId, corpusId, workers }: GatewaySetup): Promise<void> {
  const send = (m: FromGateway) => process.send!(m);
  const secret = crypto.randomBytes(36).toString('base64url'); // 48 characters
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: secret, EXTRACT_WORKERS: String(workers), LOG_LEVEL: 'warn' });
  const running = await startServer(config);
  await running.store.createCorpus({ customerId, corpusId, name: 'bench' });
  const token = await mintToken(running.keySource, config.jwt, { customerId, ttlSeconds: 3600 });
  let phase: { monitor: ReturnType<typeof monitorEventLoopDelay>; elu: ReturnType<typeof performance.eventLoopUtilization>; timer: NodeJS.Timeout; mainPeak: number; rssBefore: number } | null = null;
  const sampleMain = () => {
    const u = process.memoryUsage();
    if (phase) phase.mainPeak = Math.max(phase.mainPeak, u.heapTotal + u.external);
  };
  process.on('message', (m: ToGateway) => {
    if (m.type === 'phase-start') {
      // One monitor per phase: a re-enabled monitor counts the disabled gap as one huge delay.
      const monitor = monitorEventLoopDelay({ resolution: 10 });
      monitor.enable();
      phase = { monitor, elu: performance.eventLoopUtilization(), timer: setInterval(sampleMain, 25), mainPeak: 0, rssBefore: process.memoryUsage().rss };
      send({ type: 'ack' });
    } else if (m.type === 'phase-end' && phase) {
      sampleMain();
      const { monitor, elu, timer, mainPeak, rssBefore } = phase;
      monitor.disable();
      clearInterval(timer);
      phase = null;
      send({
        type: 'phase',
        stats: {
          loopMax: monitor.max / 1e6, loopP99: monitor.percentile(99) / 1e6,
          mainBusy: performance.eventLoopUtilization(elu).utilization, mainPeak, rssBefore,
          maxRss: process.resourceUsage().maxRSS * 1024,
        },
      });
    } else if (m.type === 'stop') {
      running.httpServer.closeAllConnections();
      void running.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: running.port, token });
}

export interface Gateway {
  readonly target: Target;
  /** Runs `run` as one measured phase of the gateway process; `label` names it in the table. */
  phase<T>(label: string, run: () => Promise<T>): Promise<{ value: T; stats: PhaseStats }>;
  stop(): Promise<void>;
}

/**
 * Forks a gateway process on `dataDir` with environment `env`; `onPhase` is told every measured
 * phase (the bench collects the event-loop figures with it).
 */
export async function startGatewayProcess(
  dataDir: string,
  setup: GatewaySetup,
  env: NodeJS.ProcessEnv,
  onPhase: (label: string, stats: PhaseStats) => void = () => {},
): Promise<Gateway> {
  const child: ChildProcess = fork(THIS_FILE, [dataDir, JSON.stringify(setup)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  const next = <K extends FromGateway['type']>(type: K): Promise<Extract<FromGateway, { type: K }>> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the gateway process exited (${code}) before answering`));
      child.once('exit', onExit);
      child.once('message', (m: FromGateway) => {
        child.off('exit', onExit);
        if (m.type === type) resolve(m as Extract<FromGateway, { type: K }>);
        else reject(new Error(`the gateway process said ${m.type}, expected ${type}`));
      });
    });
  const { port, token } = await next('ready');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return {
    target: { port, token, agent },
    async phase(label, run) {
      const started = next('ack');
      child.send({ type: 'phase-start' } satisfies ToGateway);
      await started;
      try {
        const value = await run();
        const ended = next('phase');
        child.send({ type: 'phase-end' } satisfies ToGateway);
        const { stats } = await ended;
        onPhase(label, stats);
        return { value, stats };
      } catch (err) {
        child.send({ type: 'phase-end' } satisfies ToGateway);
        await next('phase');
        throw err;
      }
    },
    async stop() {
      agent.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ToGateway);
      await exited;
    },
  };
}

if (process.argv[1] === THIS_FILE && process.send) {
  runGatewayProcess(process.argv[2]!, JSON.parse(process.argv[3]!) as GatewaySetup).catch((err: unknown) => (console.error(err), process.exit(1)));
}
