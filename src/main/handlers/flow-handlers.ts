import type { MethodName } from '../../shared/contract/contract.js';
import type { RenewalFlow } from '../renewal/renewal-flow.js';
import type { SupportBundleRequest } from '../support/support-bundle.js';
import type { BundleFacts } from '../../shared/support-bundle/bundle-facts.js';
import type { HandlersOf } from './handler-table.js';

/** The contract methods that drive the renewal flow. */
type FlowMethodName = Extract<MethodName, `flow.${string}`>;

export interface FlowHandlerDeps {
  readonly flow: RenewalFlow;
  /** Writes the support bundle and returns its path. */
  readonly saveSupportBundle: (request: SupportBundleRequest) => Promise<string>;
  /** Writes the receipt on screen as a PDF and returns its path. */
  readonly saveReceipt: () => Promise<string>;
  /** The facts a bundle would hold, for the holder to read before saving. */
  readonly previewSupportBundle: (request: SupportBundleRequest) => Promise<BundleFacts>;
}

/** The contract's `flow.*` methods: each one command of the renewal state machine. */
export function flowHandlers({ flow, saveSupportBundle, previewSupportBundle, saveReceipt }: FlowHandlerDeps): HandlersOf<FlowMethodName> {
  return {
    'flow.getState': async () => flow.state,
    'flow.start': () => flow.start(),
    'flow.unlock': ({ pin, confirmFinalTry }) => flow.unlock(pin, confirmFinalTry),
    'flow.select': ({ certificateSerials }) => flow.select(certificateSerials),
    'flow.proceed': () => flow.proceed(),
    'flow.payWithAccount': ({ method, userId, password }) => flow.payWithAccount(method, { userId, password }),
    'flow.startCardPayment': () => flow.startCardPayment(),
    'flow.checkCardPayment': () => flow.checkCardPayment(),
    'flow.renew': () => flow.renew(),
    'flow.resume': () => flow.resume(),
    'flow.restart': () => flow.restart(),
    'flow.previewSupportBundle': ({ holder }) => previewSupportBundle({ holder }),
    'flow.saveSupportBundle': async ({ holder }) => ({ path: await saveSupportBundle({ holder }) }),
    'flow.saveReceipt': async () => ({ path: await saveReceipt() }),
  };
}
