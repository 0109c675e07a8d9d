import { localized, type DirectoryView, type Role } from '../directory/directory.js';
import type { Language } from '../i18n/languages.js';
import type { OutboundReply } from './messages.js';

/**
 * What "help" answers, typed anywhere or chosen in the menu: what the assistant does, the words that
 * work everywhere, and a person to ask (DESIGN principle 3). For school staff that is the liaison
 * officer of the school they chose last time, else the municipality's prevention desk; for officers
 * the protocol's coordinator (for the coordinator, the desk).
 */
export function helpReplies(
  t: (key: string, params?: Record<string, unknown>) => string,
  lang: Language,
  directory: DirectoryView,
  user: { role: Role; schoolId: string | undefined; personId: string | undefined },
): OutboundReply[] {
  const coordinator = directory.person(directory.data.protocol.coordinatorId);
  const person = user.role === 'teacher' ? directory.liaisonFor(user.schoolId ?? '') : coordinator?.id !== user.personId ? coordinator : undefined;
  const desk = directory.data.generalContact;
  // A person's name and a desk's ("Prevention desk, City of Riverside") do not fit the same sentence.
  const contact = person
    ? t('common:helpContact', { name: person.name, phone: person.phone, email: person.email })
    : t('common:helpDesk', { name: localized(desk.name, lang), phone: desk.phone, email: desk.email });
  return [
    // Officers hear what the assistant is for them; the words that work everywhere are the same.
    { kind: 'text', text: t(user.role === 'teacher' ? 'common:help' : 'common:helpOfficer', { number: directory.data.emergency.number }) },
    { kind: 'text', text: contact },
  ];
}

/**
 * The greeting when a conversation opens (the menu) or the App Home is shown: teachers hear what
 * the assistant does for them, officers what it is for them, by name. One place, so that every
 * channel greets alike.
 */
export function welcomeText(
  t: (key: string, params?: Record<string, unknown>) => string,
  lang: Language,
  directory: DirectoryView,
  user: { role: Role; personId: string | undefined },
): string {
  const municipality = directory.data.municipality.name[lang];
  const person = user.role === 'teacher' ? undefined : directory.person(user.personId);
  return person ? t('menu:welcomeOfficer', { municipality, name: person.name }) : t('menu:welcome', { municipality });
}
