import { useRef, useState, type FormEvent } from 'react';
import type { FlowState } from '../../shared/contract/flow-contract.js';
import type { PaymentMethod } from '../../shared/service-api/primitives.js';
import { useApi } from '../api-context.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { PlanSummary } from '../components/PlanSummary.js';
import { validityMessage } from '../components/validity.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { TextField } from '../components/TextField.js';
import { formatEuro } from '../../shared/i18n/format.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

type PaymentState = Extract<FlowState, { step: 'payment' }>;
type Method = PaymentMethod;

/**
 * Iconto, Telemaco or credit card. Account credentials stay in this form and the password is
 * cleared as soon as it is sent; the card checkout opens in the browser and main polls its
 * outcome: paid (next screen), cancelled or failed (retry, or another method), still pending.
 */
export function PaymentScreen({ state }: { readonly state: PaymentState }) {
  const t = useTranslate();
  const actions = useFlowActions();
  const card = state.card;
  // While the bank's page may still settle, the screen is about that page and nothing else.
  if (card && (card.status === 'waiting' || card.status === 'pending')) {
    return (
      <section aria-labelledby="payment-heading">
        <ScreenHeading id="payment-heading">{t('payment.heading')}</ScreenHeading>
        <div className="card-payment">
          <div role="status" aria-live="polite">
            {card.status === 'waiting' && <p>{t('payment.cardWaiting')}</p>}
          </div>
          {card.status === 'waiting' && <div className="spinner" aria-hidden="true" />}
          {state.error && <ErrorPanel error={state.error} actions={{ retry: actions.checkCardPayment }} />}
          <p>
            {t('payment.cardLinkIntro')}{' '}
            <a href={card.checkoutUrl} target="_blank" rel="noopener noreferrer" data-testid="checkout-link">
              {t('payment.cardLink')}
            </a>
          </p>
          <div className="actions">
            <button type="button" className={card.status === 'pending' ? 'secondary' : undefined} onClick={actions.checkCardPayment}>
              {t('payment.checkCard')}
            </button>
            {/* No longer watched (the bank's page closed, a hold to wait for): starting again is a way
                on, and the journal's checkout is asked about again at the resume it offers. */}
            {card.status === 'pending' && (
              <button type="button" className="secondary" onClick={actions.start}>
                {t('action.restart')}
              </button>
            )}
          </div>
        </div>
      </section>
    );
  }
  return <PaymentChoice state={state} />;
}

/** The method choice, with the refusal of the last attempt above it when there was one. */
function PaymentChoice({ state }: { readonly state: PaymentState }) {
  const t = useTranslate();
  const api = useApi();
  const locale = useAppStore((store) => store.locale);
  const sendOnce = useAppStore((store) => store.sendOnce);
  const actions = useFlowActions();
  const [method, setMethod] = useState<Method>(state.card ? 'card' : 'telemaco');
  const [userId, setUserId] = useState('');
  const [password, setPassword] = useState('');
  const choice = useRef<HTMLFieldSetElement>(null);
  const amount = formatEuro(locale, state.plan.totalCents);

  function pay(event: FormEvent) {
    event.preventDefault();
    if (method === 'card') return;
    const typed = password;
    setPassword('');
    void sendOnce(() => api.flow.payWithAccount({ method, userId, password: typed }));
  }

  /** Another method: a password typed for the last one is not kept for it (nor shown again on the way back). */
  function choose(next: Method) {
    setMethod(next);
    setPassword('');
  }

  function chooseAnother() {
    choice.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
  }

  return (
    <section aria-labelledby="payment-heading">
      <ScreenHeading id="payment-heading">{t('payment.heading')}</ScreenHeading>
      {state.error && (
        <ErrorPanel error={state.error} actions={{ retry: state.card ? actions.startCardPayment : undefined, 'choose-payment': chooseAnother }} />
      )}
      <PlanSummary plan={state.plan} />
      <form onSubmit={pay}>
        <fieldset ref={choice}>
          <legend>{t('payment.choose')}</legend>
          {(['iconto', 'telemaco', 'card'] as const).map((option) => (
            <label key={option} className="radio">
              <input type="radio" name="method" value={option} checked={method === option} onChange={() => choose(option)} />
              {t(`payment.${option}`)}
            </label>
          ))}
        </fieldset>
        {method === 'card' ? (
          <>
            <p>{t('payment.cardHint')}</p>
            <button type="button" onClick={actions.startCardPayment}>
              {t('payment.startCard')}
            </button>
          </>
        ) : (
          <>
            <p className="hint">
              {t('payment.credentialsHint', {
                method: t(`payment.${method}`),
                amount,
                // Only the accounts this selection draws on, with what each pays.
                accounts: state.plan.totals.map((total) => t('payment.accountShare', { account: t(`account.${total.account}`), amount: formatEuro(locale, total.amountCents) })).join('; '),
              })}
            </p>
            <TextField
              id="user-id"
              label={t('payment.userId')}
              autoComplete="username"
              required
              value={userId}
              {...validityMessage(t('payment.userIdRequired'), (event) => setUserId(event.target.value))}
            />
            <TextField
              id="account-password"
              label={t('payment.password')}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              {...validityMessage(t('payment.passwordRequired'), (event) => setPassword(event.target.value))}
            />
            <button type="submit">{t('payment.pay', { amount })}</button>
          </>
        )}
      </form>
      {/* Leaving unpaid changes nothing anywhere (a certificate paid in another renewal, say, or a
          holder who changes their mind): starting again is always a way on from here. */}
      <div className="actions">
        <button type="button" className="secondary" onClick={actions.start}>
          {t('action.restart')}
        </button>
      </div>
    </section>
  );
}
