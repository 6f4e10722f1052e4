/**
 * The clocks a certificate is judged by now: this computer's, and the service's when its answers
 * of the last minutes said it (a computer whose clock is off judges the service's certificates by
 * the clock that made them too; issued-certificate-check.ts says how far it is believed).
 */
import type { JudgingClocks } from '../certificates/issued-certificate-check.js';
import type { FlowService } from './renewal-ports.js';

export function clocksOf(clock: () => Date, service: Pick<FlowService, 'serviceClock'>): JudgingClocks {
  const serviceNow = service.serviceClock();
  return { now: clock(), ...(serviceNow ? { serviceNow } : {}) };
}
