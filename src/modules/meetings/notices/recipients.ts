// Who is sent a meeting's notice: the body's current members and the people invited to
// the meeting (those listed to attend, and the contact officer), each once, at the address
// they sign in with when they have an account, else the one in the register of people.
// A person whose account has turned this kind of notice off is left out.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { displayName } from '../../partnership/domain.ts';
import type { NoticeKind } from './tables.ts';

export interface Recipient {
  personId: string;
  userId: string | null;
  name: string;
  email: string;
}

const PREFERENCE: Record<NoticeKind, 'agendas' | 'supplements' | 'minutes'> = { agenda: 'agendas', supplement: 'supplements', minutes: 'minutes' };

export async function noticeRecipients(
  db: Kysely<DB>, partnershipId: string, meeting: { id: string; body_id: string; contact_person_id: string | null }, kind: NoticeKind, today: string,
): Promise<Recipient[]> {
  const members = db.selectFrom('memberships').select('person_id').where('partnership_id', '=', partnershipId).where('body_id', '=', meeting.body_id)
    .where('starts_on', '<=', today).where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', today)]));
  const invited = db.selectFrom('meeting_attendance').select(sql<string>`person_id`.as('person_id')).where('partnership_id', '=', partnershipId)
    .where('meeting_id', '=', meeting.id).where('person_id', 'is not', null).where('kind', 'in', ['present', 'in-attendance', 'also-present']);
  const personIds = new Set([
    ...(await members.execute()).map((r) => r.person_id),
    ...(await invited.execute()).map((r) => r.person_id),
    ...(meeting.contact_person_id ? [meeting.contact_person_id] : []),
  ]);
  if (!personIds.size) return [];
  const rows = await db.selectFrom('people as p')
    .leftJoin('partnership_users as pu', (j) => j.onRef('pu.partnership_id', '=', 'p.partnership_id').onRef('pu.person_id', '=', 'p.id').on('pu.disabled_at', 'is', null))
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'pu.user_id').on('u.disabled_at', 'is', null))
    .leftJoin('notice_preferences as np', (j) => j.onRef('np.partnership_id', '=', 'p.partnership_id').onRef('np.user_id', '=', 'u.id'))
    .select(['p.id', 'p.honorific', 'p.given_name', 'p.family_name', 'p.honours', 'p.email as person_email', 'u.id as user_id', 'u.email as user_email',
      'np.agendas', 'np.supplements', 'np.minutes'])
    .where('p.partnership_id', '=', partnershipId).where('p.id', 'in', [...personIds])
    .orderBy('p.family_name').orderBy('p.given_name')
    .execute();
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const r of rows) {
    const email = (r.user_id ? r.user_email : r.person_email)?.trim();
    if (!email || seen.has(email.toLowerCase())) continue;
    if (r.user_id && r[PREFERENCE[kind]] === false) continue;
    seen.add(email.toLowerCase());
    out.push({ personId: r.id, userId: r.user_id, name: displayName(r), email });
  }
  return out;
}
