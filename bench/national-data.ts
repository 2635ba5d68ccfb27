// National-scale data for PostgreSQL (issue 19): many partnerships, each with a board and a
// working group meeting six times a year for many years, every meeting held with its
// agenda (sections A to D as a new meeting gets them), approved minutes (paragraphs under
// each item), actions, papers and the papers' text, all in the search index as the
// modules' indexers write it; one item a meeting is section D business (restricted), with
// its minutes, paper and action, so the policy is exercised at scale.
//
// Everything is made on the server by set-based statements on one connection: rows come
// from generate_series arithmetic (ids are numbered, not random, so every index is
// written in order), text from a table of sentences of invented words, and the two big
// tables (minutes paragraphs and search entries) are loaded with no index or key: those
// are built once the rows are in, which is many times faster than keeping them up to date
// row by row (the search index's GIN alone made the old generator take hours). If a run
// fails half way the database is left without some keys: it is a bench's database, drop it.
// Full scale (400 partnerships x 20 years, about 10 million minutes paragraphs):
// { partnerships: 400, years: 20 }; a quick run: { partnerships: 4, years: 2 }.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import { DEFAULT_SECTIONS } from '../src/modules/meetings/domain.ts';
import { hashPassword } from '../src/access/passwords.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';

export interface NationalScale { partnerships: number; years: number }
export const FULL_SCALE: NationalScale = { partnerships: 400, years: 20 };
export const MEETINGS_A_YEAR = 6;
/** Seven open items (A1-A7) and one restricted one (D1). */
export const ITEMS_A_MEETING = 8;
export const PARAGRAPHS_AN_ITEM = 13;
export const FIRST_YEAR = 2006;
/** The items (by position 1-8) that have a paper; the eighth is the restricted item. */
const PAPER_ITEMS = [3, 6, 8];
/** The items that have an action. */
const ACTION_ITEMS = [2, 5, 8];
const SENTENCES_IN_A_PAPER = 24;

/** The n-th generated partnership's id and the host its pages answer on. */
export const partnershipId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const partnershipHost = (n: number) => `p${n}.national.example`;

// Syllables of the invented words: 24 x 24 x 24 words, of which a sentence takes a few
// common ones often and rare ones seldom (the cube of a random number leans low).
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tov', 'sul', 'bra', 'dne', 'fi', 'gor', 'hu', 'jel', 'kwa', 'lin', 'mor', 'nep', 'osk', 'pri', 'qua', 'rit', 'sve', 'tam', 'ulv', 'zed'];
const SENTENCES = 65536;
/** The vocabulary's first word, the commonest (the cube leans to it): in most paragraphs and every paper. */
export const COMMONEST_WORD = SYLLABLES[0]!.repeat(3);

// Tables whose rows the generator writes in bulk, in the order their keys are rebuilt.
const LOADED = ['meetings', 'meeting_sections', 'meeting_publications', 'agenda_items', 'minute_paragraphs', 'papers', 'actions', 'search_entries'];

/** Generates the scale given into an empty database (migrated); returns the counts. */
export async function generateNational(db: Kysely<DB>, scale: NationalScale, log: (line: string) => void = () => {}) {
  // One connection throughout: its settings and temporary tables hold for every statement.
  return db.connection().execute(async (c) => {
    const P = scale.partnerships;
    const M = scale.years * MEETINGS_A_YEAR;
    const run = (q: RawBuilder<unknown>) => q.execute(c);
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(c)).rows[0]!.pid;
    log(`  server process ${pid} (renice it to give way to other work)`);
    // A lost commit only loses generated rows; the sorts that build the indexes get room.
    await run(sql`set synchronous_commit = off`);
    await run(sql`set maintenance_work_mem = '1GB'`);
    await run(sql`set work_mem = '256MB'`);

    const step = async (label: string, q: RawBuilder<unknown>) => {
      const t0 = Date.now();
      const r = await q.execute(c);
      log(`  ${label}: ${Number(r.numAffectedRows ?? 0).toLocaleString('en-GB')} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    };
    const timed = async (label: string, f: () => Promise<unknown>) => {
      const t0 = Date.now();
      await f();
      log(`  ${label} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    };

    // Numbered ids: tag (the table), the partnership, then the row's number in it.
    const id = (tag: string, p: string, n: string) => sql.raw(`(('${tag}-' || lpad(to_hex(${p}), 4, '0') || '-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid)`);
    const partnership = (p: string) => sql.raw(`(('00000000-0000-4000-8000-' || lpad(to_hex(${p}), 12, '0'))::uuid)`);
    const body = (p: string, b: string) => sql.raw(`(('00000000-0000-4000-9000-' || lpad(to_hex(${p} * 2 + ${b}), 12, '0'))::uuid)`);
    const organisation = (p: string) => id('a8000000', p, '0');
    // A meeting's number runs over all partnerships, bodies and dates; items and paragraphs follow it.
    const meetingNo = `((p - 1) * 2 + b) * ${M} + m`;
    const itemNo = `(${meetingNo}) * ${ITEMS_A_MEETING} + k - 1`;
    const meetingDate = sql.raw(`(make_date(${FIRST_YEAR}, 1, 10) + (m * 61 + b * 20))`);
    const itemTitle = sql.raw(`initcap(w1.w) || ' ' || w2.w`);
    const itemWords = (n: string) => sql.raw(`join national_words w1 on w1.i = (hashint8((${n})::bigint * 2) & 2147483647) % 400
      join national_words w2 on w2.i = 400 + (hashint8((${n})::bigint * 2 + 1) & 2147483647) % 2000`);
    const bodyName = sql.raw(`case b when 0 then 'Board' else 'Working group' end`);
    // Item k: A1-A7 in section A, the eighth as D1 in section D (restricted).
    const itemCode = sql.raw(`case when k = ${ITEMS_A_MEETING} then 'D1' else 'A' || k end`);
    const restricted = sql.raw(`(k = ${ITEMS_A_MEETING})`);
    // Cross joins, not commas, so the joins after them may use every number.
    const series = (extra = '') => sql.raw(`generate_series(1, ${P}) as p cross join generate_series(0, 1) as b cross join generate_series(0, ${M - 1}) as m${extra}`);

    await run(sql`create temporary table national_words as
      select i, (${sql.raw(`array[${SYLLABLES.map((s) => `'${s}'`).join(',')}]`)})[1 + i % 24] || (${sql.raw(`array[${SYLLABLES.map((s) => `'${s}'`).join(',')}]`)})[1 + (i / 24) % 24]
        || (${sql.raw(`array[${SYLLABLES.map((s) => `'${s}'`).join(',')}]`)})[1 + (i / 576) % 24] as w
      from generate_series(0, 13823) as i`);
    await run(sql`alter table national_words add primary key (i)`);
    await run(sql`analyze national_words`);
    // Sentences of 6-14 words; a paragraph is three of them, a paper twenty-four.
    await run(sql`create temporary table national_sentences as
      select n as i, (select upper(left(x, 1)) || substr(x, 2) || '.' from (select string_agg(w.w, ' ' order by g.k) as x
        from generate_series(1, 6 + n % 9) as g(k)
        join national_words w on w.i = floor(power(((hashint8(n::bigint * 64 + g.k) & 2147483647) % 100000) / 100000.0::float8, 3) * 13824)::int) t) as s
      from generate_series(0, ${sql.lit(SENTENCES - 1)}) as n`);
    await run(sql`alter table national_sentences add primary key (i)`);
    await run(sql`analyze national_sentences`);

    await step('partnerships', sql`insert into partnerships (id, slug, name, short_name, hostname)
      select ${partnership('p')}, 'national-' || p, 'Partnership ' || p || ' Community Safety Partnership', 'CSP ' || p, 'p' || p || '.national.example'
      from generate_series(1, ${sql.lit(P)}) as p`);
    await step('bodies', sql`insert into bodies (partnership_id, id, name, kind)
      select ${partnership('p')}, ${body('p', 'b')}, ${bodyName}, case b when 0 then 'board' else 'subgroup' end
      from generate_series(1, ${sql.lit(P)}) as p, generate_series(0, 1) as b`);
    await step('organisations', sql`insert into organisations (partnership_id, id, name, kind)
      select ${partnership('p')}, ${organisation('p')}, 'County Council', 'local-authority' from generate_series(1, ${sql.lit(P)}) as p`);

    // Keys and indexes of the loaded tables, kept to be made again after the load. Foreign
    // keys go first (so nothing refers to what comes next); a primary or unique key goes
    // too unless another table's foreign key needs it; then every other index.
    const defs = (await sql<{ table: string; name: string; def: string; what: 'fk' | 'key' | 'index' }>`
      select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def, case c.contype when 'f' then 'fk' else 'key' end as what
      from pg_constraint c where c.conrelid = any(${sql.raw(`array[${LOADED.map((t) => `'${t}'::regclass`).join(',')}]`)})
        and (c.contype = 'f' or (c.contype in ('p', 'u') and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid
          and f.conrelid <> all(${sql.raw(`array[${LOADED.map((t) => `'${t}'::regclass`).join(',')}]`)}))))
      union all
      select i.indrelid::regclass::text, x.relname, pg_get_indexdef(i.indexrelid), 'index'
      from pg_index i join pg_class x on x.oid = i.indexrelid
      where i.indrelid = any(${sql.raw(`array[${LOADED.map((t) => `'${t}'::regclass`).join(',')}]`)})
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x'))`.execute(c)).rows;
    const order = { fk: 0, key: 1, index: 2 } as const;
    await timed(`dropped ${defs.length} keys and indexes`, async () => {
      for (const d of [...defs].sort((a, b) => order[a.what] - order[b.what])) {
        await run(d.what === 'index' ? sql`drop index ${sql.id(d.name)}` : sql`alter table ${sql.id(d.table)} drop constraint ${sql.id(d.name)}`);
      }
    });

    // Six meetings a year a body, the first in FIRST_YEAR, every one held with approved minutes.
    await step('meetings', sql`insert into meetings (partnership_id, id, body_id, meets_on, starts_at, venue, online, status, agenda_published_at, minutes_published_at, minutes_approved_at, created_at, updated_at)
      select ${partnership('p')}, ${id('a1000000', 'p', meetingNo)}, ${body('p', 'b')}, ${meetingDate}, '10:00', 'Council Chamber', false, 'minutes-approved',
        ${meetingDate} - 7, ${meetingDate} + 14, ${meetingDate} + 60, ${meetingDate} - 40, ${meetingDate} + 60
      from ${series()}`);
    await step('publications', sql`insert into meeting_publications (partnership_id, id, meeting_id, kind, published_at, published_by_label)
      select ${partnership('p')}, ${id('a5000000', 'p', `(${meetingNo}) * 2 + x`)}, ${id('a1000000', 'p', meetingNo)}, case x when 0 then 'agenda' else 'minutes' end,
        case x when 0 then ${meetingDate} - 7 else ${meetingDate} + 14 end, 'Clerk to the partnership'
      from ${series(' cross join generate_series(0, 1) as x')}`);
    const sections = DEFAULT_SECTIONS.map((s, i) => sql`(${sql.lit(i + 1)}, ${s.code}::text, ${s.title}::text, ${sql.lit(s.restricted)}, ${s.exemption_reason}::text)`);
    await step('sections', sql`insert into meeting_sections (partnership_id, id, meeting_id, code, title, restricted, exemption_reason, position)
      select ${partnership('p')}, ${id('a2000000', 'p', `(${meetingNo}) * 4 + s.position - 1`)}, ${id('a1000000', 'p', meetingNo)}, s.code, s.title, s.restricted, s.exemption_reason, s.position
      from ${series()} cross join (values ${sql.join(sections)}) as s(position, code, title, restricted, exemption_reason)`);
    await step('agenda items', sql`insert into agenda_items (partnership_id, id, meeting_id, body_id, section_id, position, code, code_fixed, title, kind, restricted, exemption_paragraph, paper_expected, created_at, updated_at)
      select ${partnership('p')}, ${id('a3000000', 'p', itemNo)}, ${id('a1000000', 'p', meetingNo)}, ${body('p', 'b')},
        ${id('a2000000', 'p', `(${meetingNo}) * 4 + case when k = ${ITEMS_A_MEETING} then 3 else 0 end`)}, case when k = ${sql.lit(ITEMS_A_MEETING)} then 1 else k end,
        ${itemCode}, true, ${itemTitle}, 'business', ${restricted}, case when ${restricted} then 1 end, k in (${sql.raw(PAPER_ITEMS.join(','))}),
        ${meetingDate} - 40, ${meetingDate} - 40
      from ${series(` cross join generate_series(1, ${ITEMS_A_MEETING}) as k`)} ${itemWords(itemNo)}`);
    await step('minutes paragraphs', sql`insert into minute_paragraphs (partnership_id, id, meeting_id, agenda_item_id, position, text, created_at, updated_at)
      select ${partnership('p')}, ${id('a4000000', 'p', `(${itemNo}) * ${PARAGRAPHS_AN_ITEM} + j - 1`)}, ${id('a1000000', 'p', meetingNo)}, ${id('a3000000', 'p', itemNo)}, j,
        s1.s || ' ' || s2.s || ' ' || s3.s, ${meetingDate} + 10, ${meetingDate} + 10
      from ${series(` cross join generate_series(1, ${ITEMS_A_MEETING}) as k cross join generate_series(1, ${PARAGRAPHS_AN_ITEM}) as j`)}
      ${sql.raw(['s1', 's2', 's3'].map((s, x) => `join national_sentences ${s} on ${s}.i = hashint8(((${itemNo}) * ${PARAGRAPHS_AN_ITEM} + j - 1)::bigint * 4 + ${x}) & ${SENTENCES - 1}`).join('\n      '))}`);
    // A paper's bytes are a stand-in (the text is what search holds); its digest is real.
    await step('papers', sql`insert into papers (partnership_id, id, meeting_id, agenda_item_id, title, file_name, media_type, byte_size, sha256, content, restricted, created_at)
      select ${partnership('p')}, ${id('a6000000', 'p', itemNo)}, ${id('a1000000', 'p', meetingNo)}, ${id('a3000000', 'p', itemNo)}, ${itemTitle} || ' (report)', 'report.pdf', 'application/pdf',
        4, encode(sha256('\\x25504446'::bytea), 'hex'), '\\x25504446'::bytea, ${restricted}, ${meetingDate} - 10
      from ${series(` cross join unnest(array[${PAPER_ITEMS.join(',')}]) as k`)} ${itemWords(itemNo)}`);
    // Actions agreed at the meeting; the one under the restricted item is marked restricted.
    await step('actions', sql`insert into actions (partnership_id, id, body_id, meeting_id, description, owner_organisation_id, due_on, status, restricted, marked_restricted, created_at, updated_at)
      select ${partnership('p')}, ${id('a7000000', 'p', itemNo)}, ${body('p', 'b')}, ${id('a1000000', 'p', meetingNo)}, 'Report back on ' || lower(${itemTitle}) || ': ' || s.s,
        ${organisation('p')}, ${meetingDate} + 90, 'done', ${restricted}, ${restricted}, ${meetingDate}, ${meetingDate} + 90
      from ${series(` cross join unnest(array[${ACTION_ITEMS.join(',')}]) as k`)} ${itemWords(itemNo)}
      join national_sentences s on s.i = hashint8((${sql.raw(itemNo)})::bigint * 4 + 3) & ${sql.lit(SENTENCES - 1)}`);

    // The search index, as the meetings' and actions' indexers write it (src/modules/meetings/search.ts).
    const into = sql.raw('insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public, updated_at)');
    await step('search: items', sql`${into}
      select ${partnership('p')}, 'agenda-item', ${id('a3000000', 'p', itemNo)}, ${body('p', 'b')}, ${id('a1000000', 'p', meetingNo)}, ${meetingDate},
        ${itemCode} || ' ' || ${itemTitle} || ', ' || ${bodyName}, ${itemTitle}, '/meetings/' || ${id('a1000000', 'p', meetingNo)} || '/items/' || ${id('a3000000', 'p', itemNo)},
        ${restricted}, not ${restricted}, ${meetingDate} + 60
      from ${series(` cross join generate_series(1, ${ITEMS_A_MEETING}) as k`)} ${itemWords(itemNo)}`);
    await step('search: minutes paragraphs', sql`${into}
      select x.partnership_id, 'minute-paragraph', x.id, a.body_id, x.meeting_id, m.meets_on, a.title || ' (Item ' || a.code || '), ' || b.name, x.text,
        '/meetings/' || x.meeting_id || '/items/' || x.agenda_item_id, a.restricted, not a.restricted, m.minutes_approved_at
      from minute_paragraphs x join agenda_items a on a.id = x.agenda_item_id join meetings m on m.id = x.meeting_id join bodies b on b.id = a.body_id`);
    await step('search: papers', sql`${into}
      select x.partnership_id, 'paper', x.id, a.body_id, x.meeting_id, m.meets_on, x.title,
        (select string_agg(s.s, ' ' order by g.n) from generate_series(1, ${sql.lit(SENTENCES_IN_A_PAPER)}) as g(n)
          join national_sentences s on s.i = hashint8(hashtext(x.id::text)::bigint * 64 + g.n) & ${sql.lit(SENTENCES - 1)}),
        '/meetings/' || x.meeting_id || '/papers/' || x.id || '/' || x.file_name, x.restricted or a.restricted, not (x.restricted or a.restricted), x.created_at
      from papers x join agenda_items a on a.id = x.agenda_item_id join meetings m on m.id = x.meeting_id`);
    await step('search: actions', sql`${into}
      select x.partnership_id, 'action', x.id, x.body_id, x.meeting_id, x.created_at::date,
        case when length(x.description) > 120 then left(x.description, 117) || '…' else x.description end, x.description, '/actions/' || x.id, x.restricted, false, x.created_at
      from actions x`);

    await timed('keys and indexes made again', async () => {
      for (const d of [...defs].sort((a, b) => order[b.what] - order[a.what] || LOADED.indexOf(a.table) - LOADED.indexOf(b.table))) {
        const t0 = Date.now();
        await run(d.what === 'index' ? sql.raw(d.def) : sql`alter table ${sql.id(d.table)} add constraint ${sql.id(d.name)} ${sql.raw(d.def)}`);
        if (Date.now() - t0 > 5000) log(`    ${d.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
    // Hint bits and the visibility map set now, not by the bench's first readers.
    await timed('vacuum analyze', () => run(sql`vacuum (analyze)`));
    await run(sql`drop table national_sentences, national_words`);
    const count = async (table: 'meetings' | 'minute_paragraphs' | 'search_entries') => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(c)).rows[0]!.n);
    return { meetings: await count('meetings'), paragraphs: await count('minute_paragraphs'), searchEntries: await count('search_entries') };
  });
}

/**
 * An officer (who reads section D) and a member without a seat (who does not) of the n-th
 * generated partnership, as the demo's accounts are (demo: their password is published).
 */
export async function addNationalUsers(db: Kysely<DB>, n: number) {
  const emails = { officer: `officer@p${n}.national.example`, member: `member@p${n}.national.example` };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const role of ['officer', 'member'] as const) {
    const email = emails[role];
    if (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) continue;
    const u = await db.insertInto('users').values({ email, display_name: `${role === 'officer' ? 'Officer' : 'Member'} of partnership ${n}`, password_hash: passwordHash, demo: true })
      .returning('id').executeTakeFirstOrThrow();
    await db.insertInto('partnership_users').values({ partnership_id: partnershipId(n), user_id: u.id, role }).execute();
  }
  return { ...emails, password: DEMO_PASSWORD };
}
