/**
 * The lab's scenarios checked from outside the tool (pkcs11-tool, openssl, curl): the first half
 * of the catalogue; the other half runs in parallel in scenarios-from-outside-2.test.ts.
 */
import { scenarioCatalogue } from '../../../softhsm/scenarios/scenario-catalogue.js';
import { describeScenariosFromOutside } from './scenario-checks.js';

const half = Math.ceil(scenarioCatalogue.length / 2);
describeScenariosFromOutside(scenarioCatalogue.slice(0, half));
