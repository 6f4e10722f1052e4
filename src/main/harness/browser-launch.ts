/**
 * Opening the harness in Chromium without putting anything secret on its command line.
 *
 * Other local users can read a process's arguments (/proc/<pid>/cmdline, `ps`): Chromium is
 * pointed at a file in a folder only this user can enter, and that file moves on to the
 * one-time entry address. The folder goes when the harness stops.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LauncherPage {
  /** `file://` address of the page that moves on to the entry address. */
  readonly url: string;
  remove(): Promise<void>;
}

/** Writes the private page that opens `entryUrl`. */
export async function writeLauncherPage(entryUrl: string): Promise<LauncherPage> {
  // mkdtemp creates the folder 0700.
  const dir = await mkdtemp(join(tmpdir(), 'rinnovo-open-'));
  const file = join(dir, 'open.html');
  const target = entryUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  await writeFile(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>Rinnovo CNS</title>\n`, { mode: 0o600 });
  return { url: pathToFileURL(file).toString(), remove: () => rm(dir, { recursive: true, force: true }) };
}

const browsers = ['/usr/bin/chromium', '/usr/bin/google-chrome', '/usr/bin/chromium-browser'];

/** Opens Chromium on the launcher page when a display and a browser exist; resolves with the cleanup. */
export async function openBrowserWhenPossible(entryUrl: string, env: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  if (env.RINNOVO_NO_BROWSER || !env.DISPLAY) return async () => undefined;
  const browser = browsers.find((path) => existsSync(path));
  if (!browser) return async () => undefined;
  const launcher = await writeLauncherPage(entryUrl);
  const child = spawn(browser, [`--app=${launcher.url}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'], {
    stdio: 'ignore',
    detached: true,
  });
  child.on('error', () => undefined);
  child.unref();
  return launcher.remove;
}
