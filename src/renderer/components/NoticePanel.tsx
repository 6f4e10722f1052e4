import type { WireError } from '../../shared/contract/define.js';
import { describeError } from '../../shared/errors/catalogue.js';
import { useTranslate } from '../i18n/use-translate.js';
import { useAppStore } from '../store/app-store.js';

/** Something to know that is not a failure (a damaged journal set aside, a renewal finished elsewhere): said once, calmly, not as an error. */
export function NoticePanel({ notice }: { readonly notice: WireError }) {
  const t = useTranslate();
  const locale = useAppStore((store) => store.locale);
  const text = describeError(notice.code, locale, notice.detail);
  return (
    <section className="notice" role="note" aria-labelledby="notice-heading">
      <h3 id="notice-heading">{t('notice.heading')}</h3>
      <p>{text.message}</p>
      <p>{text.nextStep}</p>
    </section>
  );
}
