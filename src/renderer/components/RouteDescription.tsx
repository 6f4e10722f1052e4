import type { NetworkRoute } from '../../shared/contract/network-contract.js';
import { useTranslate } from '../i18n/use-translate.js';

/** How the tool reaches the renewal service right now, in the holder's words. */
export function RouteDescription({ route }: { readonly route: NetworkRoute }) {
  const t = useTranslate();
  return (
    <p className="route" data-testid="proxy-route">
      {route.kind === 'direct' ? t('proxy.route.direct') : t('proxy.route.proxy', { proxy: route.proxy, source: t(`proxy.source.${route.source}`) })}
    </p>
  );
}
