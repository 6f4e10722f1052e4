/** Kill and resume (kill-and-resume.ts): after each step of the CNS certificate. */
import { describeKillMatrix, killPoints } from './kill-and-resume.js';

describeKillMatrix(killPoints.filter((point) => point.name.startsWith('cns ')));
