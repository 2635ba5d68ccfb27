// National-scale data for PostgreSQL (issue 19): many partnerships, each with a board and a
// working group meeting six times a year for many years, every meeting held with its
// agenda, approved minutes (paragraphs under each item), actions and the papers' text,
// all in the search index. Generated in the database with set-based statements
// (generate_series, INSERT ... SELECT), from a vocabulary of invented words, so nothing
// passes through this process and a million paragraphs take minutes, not hours.
// Full scale (400 partnerships x 20 years, about 10 million minutes paragraphs):
// { partnerships: 400, years: 20 }; a quick run: { partnerships: 4, years: 2 }.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.ts';

export interface NationalScale { partnerships: number; years: number }
export const FULL_SCALE: NationalScale = { partnerships: 400, years: 20 };
export const MEETINGS_A_YEAR = 6;
export const ITEMS_A_MEETING = 8;
export const PARAGRAPHS_AN_ITEM = 13;
export const FIRST_YEAR = 2006;

/** The n-th generated partnership's id and the host its pages answer on. */
export const partnershipId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const partnershipHost = (n: number) => `p${n}.national.example`;

// Syllables of the invented words: 24 x 24 x 24 words, of which each paragraph takes a
// few common ones often and rare ones seldom (the cube of a random number leans low).
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tov', 'sul', 'bra', 'dne', 'fi', 'gor', 'hu', 'jel', 'kwa', 'lin', 'mor', 'nep', 'osk', 'pri', 'qua', 'rit', 'sve', 'tam', 'ulv', 'zed'];

/** Generates the scale given into an empty database (migrated); returns the counts. */
export async function generateNational(db: Kysely<DB>, scale: NationalScale, log: (line: string) => void = () => {}) {
  const syl = sql.raw(`array[${SYLLABLES.map((s) => `'${s}'`).join(',')}]`);
  const P = scale.partnerships;
  const meetingsPerBody = scale.years * MEETINGS_A_YEAR;
  // A table of its own, not a temporary one: the statements below may run on other connections.
  await sql`drop table if exists national_words`.execute(db);
  await sql`create table national_words as
    select i, (${syl})[1 + i % 24] || (${syl})[1 + (i / 24) % 24] || (${syl})[1 + (i / 576) % 24] as w
    from generate_series(0, 13823) as i`.execute(db);
  await sql`alter table national_words add primary key (i)`.execute(db);
  // A paragraph of 25-40 words; the scramble keeps low indexes (common words) common.
  const paragraph = (seed: string) => sql.raw(`(select string_agg(w.w, ' ' order by g.k) from generate_series(1, 25 + (${seed}) % 16) as g(k)
      join national_words w on w.i = floor(power(((hashtext((${seed})::text || ':' || g.k) & 2147483647) % 100000) / 100000.0, 3) * 13824)::int)`);

  const step = async (label: string, q: ReturnType<typeof sql>) => {
    const t0 = Date.now();
    const r = await q.execute(db);
    log(`  ${label}: ${Number(r.numAffectedRows ?? 0).toLocaleString('en-GB')} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  await step('partnerships', sql`insert into partnerships (id, slug, name, short_name, hostname)
    select ('00000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid, 'national-' || p, 'Partnership ' || p || ' Community Safety Partnership', 'CSP ' || p, 'p' || p || '.national.example'
    from generate_series(1, ${P}::int) as p`);
  const pidOf = sql.raw(`('00000000-0000-4000-8000-' || lpad(to_hex(p), 12, '0'))::uuid`);
  await step('bodies', sql`insert into bodies (partnership_id, id, name, kind)
    select ${pidOf}, ('00000000-0000-4000-9000-' || lpad(to_hex(p * 2 + b), 12, '0'))::uuid, case b when 0 then 'Board' else 'Working group' end, case b when 0 then 'board' else 'subgroup' end
    from generate_series(1, ${P}::int) as p, generate_series(0, 1) as b`);
  // Six meetings a year a body, the first in FIRST_YEAR, every one held with approved minutes.
  await step('meetings', sql`insert into meetings (partnership_id, body_id, meets_on, starts_at, venue, online, status, agenda_published_at, minutes_published_at, minutes_approved_at)
    select b.partnership_id, b.id, d.on, '10:00', 'Council Chamber', false, 'minutes-approved', d.on - 7, d.on + 14, d.on + 60
    from bodies b cross join lateral (select (make_date(${FIRST_YEAR}::int, 1, 10) + (m * 61 + (case when b.kind = 'board' then 0 else 20 end)))::date as on
      from generate_series(0, ${meetingsPerBody - 1}::int) as m) d
    where b.partnership_id in (select id from partnerships where slug like 'national-%')`);
  await step('publications', sql`insert into meeting_publications (partnership_id, meeting_id, kind, published_at, published_by_label)
    select m.partnership_id, m.id, k.kind, case k.kind when 'agenda' then m.agenda_published_at else m.minutes_published_at end, 'Clerk to the partnership'
    from meetings m cross join (values ('agenda'), ('minutes')) as k(kind)`);
  await step('sections', sql`insert into meeting_sections (partnership_id, meeting_id, code, title, position)
    select partnership_id, id, 'A', 'Partnership business', 1 from meetings`);
  await step('agenda items', sql`insert into agenda_items (partnership_id, meeting_id, body_id, section_id, position, code, title, restricted)
    select m.partnership_id, m.id, m.body_id, s.id, g.pos, 'A' || g.pos, initcap(w.w) || ' ' || w2.w, false
    from meetings m join meeting_sections s on s.partnership_id = m.partnership_id and s.meeting_id = m.id
    cross join generate_series(1, ${ITEMS_A_MEETING}::int) as g(pos)
    join national_words w on w.i = (hashtext(m.id::text || g.pos) & 2147483647) % 400
    join national_words w2 on w2.i = 400 + (hashtext(g.pos || m.id::text) & 2147483647) % 2000`);
  await step('minutes paragraphs', sql`insert into minute_paragraphs (partnership_id, meeting_id, agenda_item_id, position, text)
    select a.partnership_id, a.meeting_id, a.id, k, ${paragraph("hashtext(a.id::text) + k")}
    from agenda_items a cross join generate_series(1, ${PARAGRAPHS_AN_ITEM}::int) as k`);
  await step('organisations', sql`insert into organisations (partnership_id, name, kind) select id, 'County Council', 'local-authority' from partnerships where slug like 'national-%'`);
  await step('actions', sql`insert into actions (partnership_id, body_id, meeting_id, description, owner_organisation_id, due_on, status)
    select a.partnership_id, a.body_id, a.meeting_id, left(a.title || ': report back', 200), o.id, m.meets_on + 90, 'done'
    from agenda_items a join meetings m on m.partnership_id = a.partnership_id and m.id = a.meeting_id
    join organisations o on o.partnership_id = a.partnership_id where a.position in (2, 5)`);
  // Papers' text as the search index holds it (the files themselves are a few bytes here).
  await step('papers', sql`insert into papers (partnership_id, meeting_id, agenda_item_id, title, file_name, media_type, byte_size, sha256, content, restricted)
    select a.partnership_id, a.meeting_id, a.id, a.title || ' (report)', 'report.pdf', 'application/pdf', 4, repeat('0', 64), decode('25504446', 'hex'), false
    from agenda_items a where a.position in (3, 6)`);
  // The search index, as the modules' indexers write it (public, approved minutes).
  await step('search: paragraphs', sql`insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public)
    select p.partnership_id, 'minute-paragraph', p.id, m.body_id, m.id, m.meets_on, a.code || ' ' || a.title, p.text, '/meetings/' || m.id || '#item-' || a.id, false, true
    from minute_paragraphs p join agenda_items a on a.partnership_id = p.partnership_id and a.id = p.agenda_item_id
    join meetings m on m.partnership_id = p.partnership_id and m.id = p.meeting_id`);
  await step('search: items', sql`insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public)
    select a.partnership_id, 'agenda-item', a.id, a.body_id, m.id, m.meets_on, a.code || ' ' || a.title, a.title, '/meetings/' || m.id || '#item-' || a.id, false, true
    from agenda_items a join meetings m on m.partnership_id = a.partnership_id and m.id = a.meeting_id`);
  await step('search: papers', sql`insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public)
    select p.partnership_id, 'paper', p.id, a.body_id, m.id, m.meets_on, p.title, ${paragraph('hashtext(p.id::text)')} || ' ' || ${paragraph('hashtext(p.id::text) + 1')}, '/papers/' || p.id, false, true
    from papers p join agenda_items a on a.partnership_id = p.partnership_id and a.id = p.agenda_item_id
    join meetings m on m.partnership_id = p.partnership_id and m.id = p.meeting_id`);
  await step('search: actions', sql`insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public)
    select x.partnership_id, 'action', x.id, x.body_id, x.meeting_id, x.due_on, left(x.description, 200), x.description, '/actions/' || x.id, false, true from actions x`);
  await sql`drop table national_words`.execute(db);
  await sql`analyze`.execute(db);
  const count = async (table: 'meetings' | 'minute_paragraphs' | 'search_entries') => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
  return { meetings: await count('meetings'), paragraphs: await count('minute_paragraphs'), searchEntries: await count('search_entries') };
}
