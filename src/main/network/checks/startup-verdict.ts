/**
 * The start-up report as the renewal flow reads it: go on, or blocked with the first reason
 * (the service cannot be reached; an outdated tool, with the update offer; a feed that cannot
 * be read).
 */
import type { StartupReport } from '../../../shared/contract/network-contract.js';
import type { StartupVerdict } from '../../renewal/renewal-ports.js';

export function startupVerdictOf(report: StartupReport): StartupVerdict {
  if (report.connectivity.status === 'failed') return { status: 'blocked', error: report.connectivity.error, update: null };
  const version = report.version;
  switch (version.status) {
    case 'current':
      return { status: 'ok' };
    case 'outdated':
      return {
        status: 'blocked',
        error: { code: 'UPDATE_REQUIRED', detail: { current: version.current, latest: version.latest } },
        update: { version: version.latest, releaseNotes: version.releaseNotes },
      };
    case 'unknown':
      return { status: 'blocked', error: version.error, update: null };
  }
}
