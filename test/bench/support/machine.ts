/** What the figures were measured on: hardware, software, and how busy the machine was. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly chromium: string;
  readonly softhsm: string;
  readonly load: readonly number[];
  readonly date: string;
  readonly commit: string;
}

function output(command: string, args: readonly string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...(cwd ? { cwd } : {}) }).trim();
  } catch {
    return 'unknown';
  }
}

function distribution(): string {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? `${type()} ${release()}`;
  } catch {
    return `${type()} ${release()}`;
  }
}

export function describeMachine(root: string): MachineDescription {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${distribution()} (kernel ${release()})`,
    node: process.versions.node,
    chromium: output(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']),
    softhsm: `SoftHSM ${output('softhsm2-util', ['--version'])}`,
    load: loadavg(),
    date: new Date().toISOString(),
    commit: output('git', ['rev-parse', '--short', 'HEAD'], root),
  };
}
