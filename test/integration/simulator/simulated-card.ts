/**
 * A CNS token of its own for each test: a SoftHSM token directory in a fresh temp folder, the
 * simulator's control folder next to it, and the two ways a helpdesk looks at a card (OpenSC's
 * pkcs11-tool and a pkcs11js application) — both through libcnssim.so.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSoftHsmEnvironment } from '../../../softhsm/token/softhsm-environment.js';
import { ensureSimulatorBuilt, simulatorEnvironment } from '../../../softhsm/simulator/simulator-control.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { startDriver, type Driver } from './driver-client.js';

const execFileAsync = promisify(execFile);

export const userPin = '12345678';
export const soPin = '87654321';

interface ToolRun {
  readonly exitCode: number;
  /** stdout and stderr together, as the helpdesk reads them in a terminal. */
  readonly output: string;
}

export interface SimulatedCard {
  readonly controlDir: string;
  readonly modulePath: string;
  /** What a process needs to see this card through the simulator. */
  readonly env: Record<string, string>;
  pkcs11Tool(args: readonly string[]): Promise<ToolRun>;
  /** A pkcs11js application (its own process) with the simulator loaded and initialized. */
  openApp(): Promise<Driver>;
  close(): Promise<void>;
}

export async function createSimulatedCard(label = 'CNS-SIM'): Promise<SimulatedCard> {
  const modulePath = await ensureSimulatorBuilt();
  const temp = await makeTempDir('cnssim');
  const softhsm = await createSoftHsmEnvironment(join(temp.dir, 'softhsm'));
  const controlDir = join(temp.dir, 'card');
  const env = { ...softhsm.env, ...simulatorEnvironment(controlDir) };
  await execFileAsync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', userPin, '--so-pin', soPin], {
    env: { ...process.env, ...softhsm.env },
  });
  const apps: Driver[] = [];

  return {
    controlDir,
    modulePath,
    env,
    async pkcs11Tool(args) {
      try {
        const { stdout, stderr } = await execFileAsync('pkcs11-tool', ['--module', modulePath, ...args], { env: { ...process.env, ...env } });
        return { exitCode: 0, output: stdout + stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { exitCode: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
      }
    },
    async openApp() {
      const app = await startDriver(modulePath, env);
      apps.push(app);
      await app.ok('initialize', {});
      return app;
    },
    async close() {
      await Promise.all(apps.map((app) => app.close()));
      await temp.remove();
    },
  };
}

/** The slot holding the card (the first one with an initialized token). */
export async function cardSlot(app: Driver): Promise<string> {
  const [slot] = await app.ok('slots', { present: true });
  if (slot === undefined) throw new Error('no card in the reader');
  return slot;
}
