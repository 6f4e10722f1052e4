import { useRef, useState, type FormEvent } from 'react';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import { useApi } from '../api-context.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { NoticePanel } from '../components/NoticePanel.js';
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
  const form = useRef<HTMLFormElement>(null);
  const { pin: status } = state;
  const locked = status.state === 'locked';

  function submit(event: FormEvent) {
    event.preventDefault();
    const typed = pin;
    setPin('');
    setConfirmFinalTry(false);
    void sendOnce(() => api.flow.unlock({ pin: status.pinPad ? { kind: 'pin-pad' } : { kind: 'typed', value: typed }, confirmFinalTry }));
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
      {state.error && <ErrorPanel error={state.error} actions={{ retry: actions.start, 'enter-pin': () => focusFirstField(form.current) }} />}
      {locked ? (
        <>
          {/* The error panel above already says it is locked and how to unlock it with the PUK. */}
          {!state.error && <p className="warning">{t('pin.locked')}</p>}
          <button type="button" onClick={actions.restart}>
            {t('action.restart')}
          </button>
        </>
      ) : (
        <form ref={form} onSubmit={submit}>
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
    </section>
  );
}

/** "Inserisca di nuovo il PIN": straight to the PIN field (or, with a PIN pad, to "Sblocca"). */
function focusFirstField(form: HTMLFormElement | null) {
  form?.querySelector<HTMLElement>('input, button')?.focus();
}
