/**
 * The device process (the only one that loads the card's PKCS#11 library) killed while the card
 * works: during each key generation, after a certificate is written, after the new pair is checked
 * (the old one about to go). The CLI process lives on; the kill matrix of the CLI itself is in
 * kill-and-resume-1/2.test.ts.
 */
import { describeDeviceWorkerKills, killPoints } from './kill-and-resume.js';

const steps = ['signature generating-key', 'signature written', 'cns generating-key', 'cns verified'];
describeDeviceWorkerKills(killPoints.filter((point) => steps.includes(point.name)));
