/**
 * The card checkout page the tool opens in the holder's browser.
 *
 * A stand-in for the bank's page: it shows the amount and three buttons (pay / cancel / fail);
 * until one is pressed the payment stays pending, exactly what the tool must cope with.
 */
import type { PaymentRecord, RenewalRecord } from './lab-state.js';

const outcomes: Record<PaymentRecord['state'], string> = {
  pending: 'Pagamento in attesa',
  paid: 'Pagamento effettuato',
  cancelled: 'Pagamento annullato',
  failed: 'Pagamento non riuscito',
};

export function checkoutPage(payment: PaymentRecord, renewal: RenewalRecord): string {
  // Exactly what this payment asks for: the certificates it names, nothing else of the renewal.
  const total = payment.lines.reduce((sum, line) => sum + line.amountCents, 0);
  const amount = euro(total);
  const actions =
    payment.state === 'pending'
      ? ['pay', 'cancel', 'fail']
          .map((action) => `<form method="post" action="/checkout/${payment.paymentId}/${action}"><button name="action" value="${action}">${label(action)}</button></form>`)
          .join('\n')
      : '<p>Può chiudere questa pagina e tornare al programma di rinnovo.</p>';
  return `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Pagamento rinnovo certificati</title></head>
<body>
<h1>Pagamento rinnovo certificati</h1>
<p>Titolare: ${escapeHtml(`${renewal.holder.givenName} ${renewal.holder.surname}`)}</p>
<ul id="lines">
${payment.lines.map((line) => `<li>${line.kind === 'cns' ? 'Certificato di autenticazione CNS' : 'Certificato di sottoscrizione'}: ${euro(line.amountCents)}</li>`).join('\n')}
</ul>
<p>Importo: <strong id="amount">${amount}</strong></p>
<p id="state" data-state="${payment.state}">${outcomes[payment.state]}</p>
${actions}
</body></html>
`;
}

function euro(cents: number): string {
  return `${(cents / 100).toFixed(2).replace('.', ',')} €`;
}

function label(action: string): string {
  return action === 'pay' ? 'Paga' : action === 'cancel' ? 'Annulla' : 'Simula errore';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
