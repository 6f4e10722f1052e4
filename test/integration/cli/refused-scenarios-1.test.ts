/** The lab's refusals through the CLI (refused-scenarios.ts): the first half of the list. */
import { describeRefusals, refusals } from './refused-scenarios.js';

describeRefusals(refusals.slice(0, Math.ceil(refusals.length / 2)));
