/** The lab's renewals through the CLI (renewed-scenarios.ts): the first half of the list. */
import { describeRenewals, renewals } from './renewed-scenarios.js';

describeRenewals(renewals.slice(0, Math.ceil(renewals.length / 2)));
