import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { WireError } from '../../shared/contract/define.js';
import { useApi } from '../api-context.js';
import { ErrorPanel, offersRetry } from '../components/ErrorPanel.js';
import { NoticePanel } from '../components/NoticePanel.js';
import { isPinFormat, loadPinRule } from '../components/pin-format.js';
import { validityMessage } from '../components/validity.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { TextField } from '../components/TextField.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

/**
 * PIN entry. The PIN lives only in this form's local state, is cleared the moment it is sent,
 * and never reaches the store; the remaining-tries warnings come from the token's flags.
 */
export function PinScreen({ state }: { readonly state: Extract<FlowState, { step: 'pin' }> }) {
  const t = useTranslate();
  const api = useApi();
  const sendOnce = useAppStore((store) => store.sendOnce);
  const actions = useFlowActions();
  const [pin, setPin] = useState('');
  const [confirmFinalTry, setConfirmFinalTry] = useState(false);
  /** A PIN the card would not take (a space, an accented letter): said here, and nothing sent. */
  const [formatError, setFormatError] = useState<WireError | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const { pin: status } = state;
  const locked = status.state === 'locked';
  const error = formatError ?? state.error;
  const errorGoesOn = error !== null && offersRetry(error.code);

  useEffect(loadPinRule, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const typed = pin;
    setPin('');
    // Refused by the contract, it would come back as "richiesta non valida": the holder is told
    // what is wrong with the PIN instead, and no try of the card is spent.
    if (!status.pinPad && !(await isPinFormat(typed))) {
      setFormatError({ code: 'PIN_FORMAT_INVALID', detail: {} });
      focusFirstField(form.current);
      return;
    }
    setFormatError(null);
    setConfirmFinalTry(false);
    void sendOnce(() => api.flow.unlock({ pin: status.pinPad ? { kind: 'pin-pad' } : { kind: 'typed', value: typed }, confirmFinalTry }));
  }

  function startAgain() {
    setPin('');
    setFormatError(null);
    actions.start();
  }

  return (
    <section aria-labelledby="pin-heading">
      <ScreenHeading id="pin-heading">{state.purpose === 'resume' ? t('pin.resumeHeading') : t('pin.heading')}</ScreenHeading>
      <p>{t('pin.device', { label: state.device.label })}</p>
      {state.notice && <NoticePanel notice={state.notice} />}
      {state.position.of > 1 && (
        <p>
          {t('pin.slot', {
            current: state.position.current,
            of: state.position.of,
            label: state.slot.label,
            what: state.slot.holds.map((kind) => t(`pin.slotHolds.${kind}`)).join(', '),
          })}
          {state.position.current > 1 && ` ${t('pin.slotOwnPin')}`}
        </p>
      )}
      {error && <ErrorPanel error={error} actions={{ retry: actions.start, 'enter-pin': () => focusFirstField(form.current) }} />}
      {locked ? (
        <>
          {/* The error panel above already says it is locked and how to unlock it with the PUK. */}
          {!state.error && <p className="warning">{t('pin.locked')}</p>}
          <button type="button" onClick={actions.restart}>
            {t('action.restart')}
          </button>
        </>
      ) : (
        <form ref={form} onSubmit={(event) => void submit(event)}>
          {status.state === 'count-low' && <p className="warning">{t('pin.countLow')}</p>}
          {status.state === 'final-try' && <p className="warning">{t('pin.finalTry')}</p>}
          {status.pinPad ? (
            <p>{t('pin.pinPad')}</p>
          ) : (
            <TextField
              id="pin"
              label={t('pin.label')}
              hint={t('pin.hint')}
              type="password"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              minLength={4}
              maxLength={16}
              required
              value={pin}
              {...validityMessage(t('pin.invalid'), (event) => setPin(event.target.value))}
            />
          )}
          {status.state === 'final-try' && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={confirmFinalTry}
                required
                {...validityMessage(t('pin.confirmRequired'), (event) => setConfirmFinalTry(event.target.checked))}
              />
              {t('pin.confirmFinalTry')}
            </label>
          )}
          <button type="submit">{t('pin.submit')}</button>
        </form>
      )}
      {/* The wrong device in the reader, a PIN the holder does not have to hand: another way on than
          guessing, which spends one of the card's tries. (Locked, the button is above.) */}
      {!locked && !errorGoesOn && (
        <div className="actions">
          <button type="button" className="secondary" onClick={startAgain}>
            {t('action.restart')}
          </button>
        </div>
      )}
    </section>
  );
}

/** "Inserisca di nuovo il PIN": straight to the PIN field (or, with a PIN pad, to "Sblocca"). */
function focusFirstField(form: HTMLFormElement | null) {
  form?.querySelector<HTMLElement>('input, button')?.focus();
}
