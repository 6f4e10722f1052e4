import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { WireError } from '../../shared/contract/define.js';
import { proxySettingsInputSchema, type ConnectivityVerdict, type NetworkRoute, type ProxySettingsInput } from '../../shared/contract/network-contract.js';
import { useApi } from '../api-context.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { RouteDescription } from '../components/RouteDescription.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { TextField } from '../components/TextField.js';
import { validityMessage } from '../components/validity.js';
import type { MessageKey } from '../../shared/i18n/it.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';
import { useFlowActions } from './use-flow-actions.js';

interface Saved {
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly hasPassword: boolean;
}

/** What the last button press answered: shown in one live region, so it is announced. */
type Outcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'busy'; readonly message: MessageKey }
  | { readonly kind: 'done'; readonly message: MessageKey; readonly values?: Readonly<Record<string, string | number>> }
  | { readonly kind: 'refused'; readonly error: WireError };

/**
 * "Configura Proxy": address, port and, if the proxy asks, user name and password; "Test Proxy"
 * tries them without saving, "Salva" keeps them. The password stays in this form only, is
 * cleared once saved, and never comes back from main (only whether one is kept).
 */
export function ProxySettingsScreen() {
  const t = useTranslate();
  const api = useApi();
  const flowStep = useAppStore((store) => store.flow?.step);
  const showPanel = useAppStore((store) => store.showPanel);
  const actions = useFlowActions();
  const form = useRef<HTMLFormElement>(null);
  const [route, setRoute] = useState<NetworkRoute | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  const [canStorePassword, setCanStorePassword] = useState(true);
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'busy', message: 'proxy.loading' });

  useEffect(() => {
    let current = true;
    void api.network.getProxy({}).then((result) => {
      if (!current) return;
      if (!result.ok) return setOutcome({ kind: 'refused', error: result.error });
      setRoute(result.value.route);
      setCanStorePassword(result.value.canStorePassword);
      const settings = result.value.settings;
      if (settings) {
        setHost(settings.host);
        setPort(String(settings.port));
        setUsername(settings.username ?? '');
        setSaved({ host: settings.host, port: settings.port, username: settings.username, hasPassword: settings.hasPassword });
      }
      setOutcome({ kind: 'none' });
    });
    return () => {
      current = false;
    };
  }, [api]);

  // Main reuses the stored password only for the same proxy and user (manual-proxy-settings.ts): a
  // new host or port needs it typed again, and the hint must not say it is kept. The port is
  // compared as the number main receives: "08080" is the same proxy as 8080.
  const sameProxy = saved !== null && saved.host === host.trim() && saved.port === Number(port.trim()) && (saved.username ?? '') === username.trim();
  const keepsSavedPassword = password === '' && saved?.hasPassword === true && sameProxy;

  function input(): ProxySettingsInput {
    const user = username.trim();
    return {
      host: host.trim(),
      port: Number(port),
      ...(user ? { username: user } : {}),
      ...(user && password ? { password } : {}),
      ...(user && keepsSavedPassword ? { useSavedPassword: true } : {}),
    };
  }

  function refuse(error: WireError) {
    setOutcome({ kind: 'refused', error });
  }

  /**
   * The settings as the contract takes them (proxyHostSchema, a port from 1 to 65535), or undefined
   * with the reason said here: sent as they are, main would refuse them as an invalid request, whose
   * only way on leaves this form and what was typed in it.
   */
  function checkedInput(): ProxySettingsInput | undefined {
    const settings = input();
    // Field by field (an object's parse would have zod probe `new Function`, which the window's CSP reports).
    const rules = proxySettingsInputSchema.shape;
    const field = (['host', 'port', 'username', 'password'] as const).find((name) => !rules[name].safeParse(settings[name]).success);
    if (field === undefined) return settings;
    refuse({ code: 'NETWORK_PROXY_SETTINGS_INVALID', detail: { field } });
    form.current?.querySelector<HTMLInputElement>(`#proxy-${field}`)?.focus();
    return undefined;
  }

  /** The call itself got no answer (the connection to main dropped). */
  function lost() {
    refuse({ code: 'INTERNAL_ERROR', detail: {} });
  }

  function test() {
    if (outcome.kind === 'busy' || !form.current?.reportValidity()) return;
    const settings = checkedInput();
    if (!settings) return;
    setOutcome({ kind: 'busy', message: 'proxy.testing' });
    api.network.testProxy(settings).then((result) => {
      if (!result.ok) return refuse(result.error);
      showVerdict(result.value);
    }, lost);
  }

  function showVerdict(verdict: ConnectivityVerdict) {
    if (verdict.status === 'failed') return setOutcome({ kind: 'refused', error: verdict.error });
    setOutcome({ kind: 'done', message: 'proxy.testOk', values: { seconds: (verdict.elapsedMs / 1000).toFixed(1) } });
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (outcome.kind === 'busy') return;
    const settings = checkedInput();
    if (!settings) return;
    // The password leaves the form with the request, and nowhere else.
    setPassword('');
    setOutcome({ kind: 'busy', message: 'proxy.saving' });
    api.network.saveProxy(settings).then((result) => {
      if (!result.ok) return refuse(result.error);
      setRoute(result.value.route);
      const kept = result.value.settings;
      setSaved({ host: kept.host, port: kept.port, username: kept.username, hasPassword: kept.hasPassword });
      setOutcome({ kind: 'done', message: `proxy.saved.${result.value.password}` });
    }, lost);
  }

  function clear() {
    if (outcome.kind === 'busy') return;
    api.network.clearProxy({}).then((result) => {
      if (!result.ok) return refuse(result.error);
      setRoute(result.value.route);
      setSaved(null);
      setHost('');
      setPort('');
      setUsername('');
      setPassword('');
      setOutcome({ kind: 'done', message: 'proxy.cleared' });
    }, lost);
  }

  function back() {
    showPanel('flow');
    // Blocked by the network: the checks run again through the settings just chosen.
    if (flowStep === 'blocked') actions.start();
  }

  return (
    <section aria-labelledby="proxy-heading">
      <ScreenHeading id="proxy-heading">{t('proxy.heading')}</ScreenHeading>
      <p>{t('proxy.intro')}</p>
      {route && <RouteDescription route={route} />}
      <form ref={form} onSubmit={save} className="proxy-form">
        <TextField
          id="proxy-host"
          label={t('proxy.host')}
          hint={t('proxy.hostHint')}
          required
          autoComplete="off"
          spellCheck={false}
          maxLength={253}
          value={host}
          {...validityMessage(t('proxy.hostRequired'), (event) => setHost(event.target.value))}
        />
        <TextField
          id="proxy-port"
          label={t('proxy.port')}
          width="narrow"
          required
          inputMode="numeric"
          pattern="[0-9]{1,5}"
          autoComplete="off"
          value={port}
          {...validityMessage(t('proxy.portInvalid'), (event) => setPort(event.target.value))}
        />
        <fieldset>
          <legend>{t('proxy.credentials')}</legend>
          <TextField id="proxy-username" label={t('proxy.username')} autoComplete="off" spellCheck={false} value={username} onChange={(event) => setUsername(event.target.value)} />
          <TextField
            id="proxy-password"
            label={t('proxy.password')}
            hint={
              <>
                {keepsSavedPassword ? t('proxy.savedPassword') : null}
                {canStorePassword ? null : ` ${t('proxy.sessionOnly')}`}
              </>
            }
            type="password"
            autoComplete="off"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </fieldset>
        <div className="actions">
          <button type="button" className="secondary" onClick={test}>
            {t('proxy.test')}
          </button>
          <button type="submit">{t('proxy.save')}</button>
          {saved && (
            <button type="button" className="secondary" onClick={clear}>
              {t('proxy.clear')}
            </button>
          )}
        </div>
      </form>
      <div role="status" aria-live="polite" className="proxy-outcome">
        {outcome.kind === 'busy' && <p>{t(outcome.message)}</p>}
        {outcome.kind === 'done' && <p className="success">{t(outcome.message, outcome.values)}</p>}
      </div>
      {outcome.kind === 'refused' && <ErrorPanel error={outcome.error} actions={{ 'proxy-settings': undefined, retry: test }} />}
      <div className="actions">
        <button type="button" className="secondary" onClick={back}>
          {t('proxy.back')}
        </button>
      </div>
    </section>
  );
}

