import type { FlowState } from '../../shared/contract/flow-contract.js';
import { BlockedScreen } from './BlockedScreen.js';
import { CertificatesScreen } from './CertificatesScreen.js';
import { CheckingScreen } from './CheckingScreen.js';
import { DoneScreen } from './DoneScreen.js';
import { FailedScreen } from './FailedScreen.js';
import { NoDeviceScreen } from './NoDeviceScreen.js';
import { PaidScreen } from './PaidScreen.js';
import { PaymentScreen } from './PaymentScreen.js';
import { PinScreen } from './PinScreen.js';
import { ReadingScreen } from './ReadingScreen.js';
import { RenewingScreen } from './RenewingScreen.js';
import { ResumeScreen } from './ResumeScreen.js';

/** One screen per flow step; the step comes from main, never decided here. */
export function FlowScreen({ state }: { readonly state: FlowState }) {
  switch (state.step) {
    case 'welcome':
    case 'checking':
      return <CheckingScreen />;
    case 'blocked':
      return <BlockedScreen state={state} />;
    case 'no-device':
      return <NoDeviceScreen state={state} />;
    case 'resume-offered':
      return <ResumeScreen state={state} />;
    case 'pin':
      return <PinScreen key={`${state.slot.tokenSerial}-${state.pin.state}-${state.error?.code ?? ''}`} state={state} />;
    case 'reading':
      return <ReadingScreen />;
    case 'certificates':
      return <CertificatesScreen state={state} />;
    case 'payment':
      return <PaymentScreen state={state} />;
    case 'paid':
      return <PaidScreen state={state} />;
    case 'renewing':
      return <RenewingScreen state={state} />;
    case 'done':
      return <DoneScreen state={state} />;
    case 'failed':
      return <FailedScreen state={state} />;
  }
}
