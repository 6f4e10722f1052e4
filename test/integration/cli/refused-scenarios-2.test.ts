/** The lab's refusals through the CLI (refused-scenarios.ts): the second half of the list. */
import { describeRefusals, refusals } from './refused-scenarios.js';

describeRefusals(refusals.slice(Math.ceil(refusals.length / 2)));
