import type { DialogTurn } from '../../src/core/dialog.js';
import { localized } from '../../src/directory/directory.js';

/**
 * "Who shares what, and why", one line per partner in the protocol's sharing list, for the concern
 * guidance and the protocol in plain words alike. Once the protocol is signed, a partner that has not
 * signed it is named with that fact instead of what it would share: a teacher must not read that
 * information goes to a partner the protocol does not yet bind.
 */
export function sharingLines(turn: DialogTurn): string[] {
  const { t, lang, directory } = turn;
  const { protocol, partners } = directory.data;
  const signed = new Set(protocol.signatoryPartnerIds);
  return protocol.sharing.map((s) => {
    const partner = partners.find((p) => p.id === s.partnerId);
    const name = partner ? localized(partner.name, lang) : s.partnerId;
    if (protocol.signedOn && !signed.has(s.partnerId)) return `• ${t('concern:sharingNotSigned', { partner: name })}`;
    return `• ${t('common:labelled', { label: name, value: `${localized(s.what, lang)} ${t('concern:sharingWhy')} ${localized(s.why, lang)}` })}`;
  });
}
