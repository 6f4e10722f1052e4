import { useEffect, useState } from 'react';
import type { WireError } from '../../shared/contract/define.js';
import type { BundleFacts, HolderIdentityChoice } from '../../shared/support-bundle/bundle-facts.js';
import { summarizeBundle } from '../../shared/support-bundle/bundle-summary.js';
import { useApi } from '../api-context.js';
import { ErrorPanel } from '../components/ErrorPanel.js';
import { ScreenHeading } from '../components/ScreenHeading.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

type Preview = { readonly kind: 'loading' } | { readonly kind: 'ready'; readonly facts: BundleFacts } | { readonly kind: 'refused'; readonly error: WireError };

/**
 * "Salva il pacchetto di supporto": what the bundle will hold, in words (the same summary the
 * CLI prints), with the pseudonymisation explained, and the holder's choice about the fiscal
 * code; nothing is written until "Salva il pacchetto".
 */
export function SupportBundleScreen() {
  const t = useTranslate();
  const api = useApi();
  const locale = useAppStore((store) => store.locale);
  const showPanel = useAppStore((store) => store.showPanel);
  const saveSupportBundle = useAppStore((store) => store.saveSupportBundle);
  const [holder, setHolder] = useState<HolderIdentityChoice>('pseudonymised');
  const [preview, setPreview] = useState<Preview>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    setPreview({ kind: 'loading' });
    api.flow.previewSupportBundle({ holder }).then(
      (result) => {
        if (current) setPreview(result.ok ? { kind: 'ready', facts: result.value } : { kind: 'refused', error: result.error });
      },
      () => current && setPreview({ kind: 'refused', error: { code: 'INTERNAL_ERROR', detail: {} } }),
    );
    return () => {
      current = false;
    };
  }, [api, holder]);

  return (
    <section aria-labelledby="support-bundle-heading">
      <ScreenHeading id="support-bundle-heading">{t('supportBundle.title')}</ScreenHeading>
      <p>{t('supportBundle.intro')}</p>
      <label className="checkbox">
        <input type="checkbox" checked={holder === 'in-clear'} onChange={(event) => setHolder(event.target.checked ? 'in-clear' : 'pseudonymised')} />
        {t('supportBundle.fiscalCodeInClear')}
      </label>
      <div role="status" aria-live="polite">
        {preview.kind === 'loading' && <p className="working">{t('supportBundle.loading')}</p>}
      </div>
      {preview.kind === 'refused' && <ErrorPanel error={preview.error} />}
      {preview.kind === 'ready' && (
        <pre className="support-bundle-contents">{summarizeBundle(preview.facts, locale).join('\n')}</pre>
      )}
      <div className="actions">
        <button type="button" disabled={preview.kind !== 'ready'} onClick={() => void saveSupportBundle(api, holder)}>
          {t('supportBundle.save')}
        </button>
        <button type="button" className="secondary" onClick={() => showPanel('flow')}>
          {t('supportBundle.back')}
        </button>
      </div>
    </section>
  );
}
