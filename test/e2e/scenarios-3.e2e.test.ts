/** Every lab scenario in Chromium (scenarios.ts): the catalogue's part 3 of 3. */
import { scenarioCatalogue } from '../../softhsm/scenarios/scenario-catalogue.js';
import { describeScenariosInChromium } from './scenarios.js';

const third = Math.ceil(scenarioCatalogue.length / 3);
describeScenariosInChromium(scenarioCatalogue.slice(2 * third, 3 * third));
