/**
 * The helpdesk's hands on the simulated card while the tool runs:
 *   node --import tsx softhsm/simulator/card-command.ts <control dir> status|remove|insert|unlock
 * remove/insert keep every other setting; insert counts as a new insertion (old sessions die);
 * unlock gives the PIN its three tries back, as the PUK would.
 */
import { readSimulatorControl, readSimulatorState, simulatorPinTries, writeSimulatorControl, writeSimulatorState } from './simulator-control.js';

const [dir, action] = process.argv.slice(2);
const actions = ['status', 'remove', 'insert', 'unlock'] as const;
type Action = (typeof actions)[number];

function isAction(value: string | undefined): value is Action {
  return (actions as readonly (string | undefined)[]).includes(value);
}

if (dir === undefined || !isAction(action)) {
  console.error(`usage: card-command.ts <control dir> ${actions.join('|')}`);
  process.exit(2);
}

const control = await readSimulatorControl(dir);
if (action === 'remove') await writeSimulatorControl(dir, { ...control, removed: true });
if (action === 'insert') await writeSimulatorControl(dir, { ...control, removed: false });
if (action === 'unlock') await writeSimulatorState(dir, { pinTriesLeft: simulatorPinTries });

const now = await readSimulatorControl(dir);
const state = await readSimulatorState(dir);
console.log(JSON.stringify({ ...now, pinTriesLeft: state.pinTriesLeft }, null, 2));
