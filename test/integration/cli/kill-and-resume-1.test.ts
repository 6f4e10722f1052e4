/** Kill and resume (kill-and-resume.ts): after payment and after each step of the signature certificate. */
import { describeKillMatrix, killPoints } from './kill-and-resume.js';

describeKillMatrix(killPoints.filter((point) => !point.name.startsWith('cns ')));
