/** The lab's renewals through the CLI (renewed-scenarios.ts): the second half of the list. */
import { describeRenewals, renewals } from './renewed-scenarios.js';

describeRenewals(renewals.slice(Math.ceil(renewals.length / 2)));
