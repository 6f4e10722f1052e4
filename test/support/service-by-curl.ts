/**
 * The renewal service asked with curl, the way a helpdesk operator checks it from a shell: no
 * code of the tool, only the service API's paths and the route a request takes (trusted CA or
 * the system's, direct or through a proxy with or without credentials).
 */
import { runCommand } from '../../softhsm/commands/command-runner.js';

export interface CurlRoute {
  /** PEM file of the CA to trust; absent = the system's trust store, as a browser would. */
  readonly caPath?: string;
  /** Through this proxy (`http://host:port`); absent = straight to the service. */
  readonly proxy?: string;
  readonly proxyUser?: { readonly username: string; readonly password: string };
}

export interface CurlAnswer {
  /** curl's exit code: 0, or why the exchange never happened (7 refused, 56 proxy, 60 TLS, …). */
  readonly exitCode: number;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly body: string;
  readonly stderr: string;
  /** From the start to the last byte, as curl measured it. */
  readonly seconds: number;
}

export interface CurlRequest {
  readonly method?: 'GET' | 'POST';
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const statusMarker = '\n--curl-status:';

export async function curl(url: string, route: CurlRoute, request: CurlRequest = {}): Promise<CurlAnswer> {
  const args = [
    // -q first: no ~/.curlrc of whoever runs the tests.
    '-q',
    '--silent',
    '--show-error',
    '--max-time',
    '15',
    '--write-out',
    `${statusMarker}%{http_code} %{time_total}`,
    ...(route.caPath ? ['--cacert', route.caPath] : []),
    // An explicit route only: never a proxy from the environment of whoever runs the tests.
    ...(route.proxy ? ['--proxy', route.proxy] : ['--noproxy', '*']),
    ...(route.proxyUser ? ['--proxy-user', `${route.proxyUser.username}:${route.proxyUser.password}`] : []),
    ...Object.entries(request.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
    ...(request.json === undefined ? [] : ['--header', 'content-type: application/json', '--data-binary', '@-']),
    '--request',
    request.method ?? (request.json === undefined ? 'GET' : 'POST'),
    url,
  ];
  const answer = await runCommand({ command: 'curl', args, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, input: request.json === undefined ? '' : JSON.stringify(request.json) });
  const stdout = answer.stdout.toString('utf8');
  const at = stdout.lastIndexOf(statusMarker);
  const body = at < 0 ? stdout : stdout.slice(0, at);
  const [status = '0', seconds = '0'] = at < 0 ? [] : stdout.slice(at + statusMarker.length).trim().split(' ');
  return { exitCode: answer.exitCode, status: Number(status), body, stderr: answer.stderr.toString('utf8'), seconds: Number(seconds) };
}

/** The JSON body of an answer, or a failure that shows what curl saw. */
export function jsonOf<T = Record<string, unknown>>(answer: CurlAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`not JSON (curl exit ${answer.exitCode}, HTTP ${answer.status}): ${answer.body.slice(0, 300)} ${answer.stderr}`);
  }
}

/** The catalogue code of a refusal (`{ error: { code } }`), or undefined. */
export function refusalCode(answer: CurlAnswer): string | undefined {
  if (answer.status < 400) return undefined;
  return jsonOf<{ error?: { code?: string } }>(answer).error?.code;
}
