// The search bench's corpus: minutes paragraphs generated in SQL from a vocabulary of
// partnership business, so that word frequencies are realistic, and the query mix.
import { sql } from 'kysely';
import type { Database } from '../src/db/database.ts';
import type { SearchQuery } from '../src/modules/search/store.ts';

export const benchPartnershipId = '00000000-0000-0000-0000-0000000000b1';

const subjects = ['The Partnership', 'The Working Group', 'The Chair', 'The Vice-Chair', 'Members', 'The Community Safety Manager', 'The Police representative', 'The Fire and Rescue Service', 'The Probation Service', 'The Commissioner\'s office', 'The Domestic Abuse Coordinator', 'The Prevent lead', 'The Youth Justice Service', 'The district councils'];
const verbs = ['noted', 'agreed', 'discussed', 'welcomed', 'raised concerns about', 'asked for an update on', 'endorsed', 'received a report on', 'considered', 'requested further data on'];
const topics = ['anti-social behaviour in town centres', 'domestic abuse referrals', 'the strategic assessment', 'the crime reduction grant', 'serious violence duty', 'county lines exploitation', 'knife crime prevention', 'road safety around schools', 'hate crime reporting', 'the community safety agreement', 'fraud against older people', 'night-time economy street marshals', 'modern slavery awareness', 'cyber crime advice for small businesses', 'youth diversion projects', 'the information sharing agreement', 'reoffending rates', 'drug and alcohol treatment', 'safeguarding adults reviews', 'the domestic abuse related death review', 'Prevent referrals', 'rural crime', 'fly-tipping enforcement', 'water safety campaigns', 'the tactical pot'];
const tails = ['and asked officers to report back at the next meeting.', 'with partners to provide figures by the end of the quarter.', 'noting that the data had been received late from two partners.', 'and agreed that the action plan be updated accordingly.', 'following a presentation by the lead officer.', 'and thanked the team for their work.', 'subject to approval by the Commissioner.', 'and requested a briefing for elected members.'];

const surnames = ['Okafor', 'Henderson', 'Patel', 'Walsh', 'Nowak', 'Achterberg', 'Lindqvist', 'Mbeki', 'Ferreira', 'Thorne', 'Kowalczyk', 'Brennan', 'Yilmaz', 'Castellano', 'Iqbal', 'Fairweather', 'Donoghue', 'Szabo', 'Whitlock', 'Adeyemi'];
// Bumped when the generator changes, so that a kept corpus is made again.
const CORPUS_VERSION = 'Bench corpus 3';

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);
const pick = (xs: string[]) => sql`(${arr(xs)})[1 + floor(random() * ${xs.length})::int]`;

/** Fills the bench partnership up to `rows` paragraphs; false if it already held them. */
export async function generate(database: Database, rows: number) {
  const db = database.db;
  const version = await sql<{ name: string }>`select name from partnerships where slug = 'bench'`.execute(db);
  if (version.rows[0] && version.rows[0].name !== CORPUS_VERSION) {
    await sql`delete from search_entries where partnership_id = '00000000-0000-0000-0000-0000000000b1'`.execute(db);
    await sql`update partnerships set name = ${CORPUS_VERSION} where slug = 'bench'`.execute(db);
  }
  const existing = await db.selectFrom('search_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(existing.n) >= rows) return false;
  await sql`insert into partnerships (id, slug, name, short_name) values ('00000000-0000-0000-0000-0000000000b1', 'bench', ${CORPUS_VERSION}, 'Bench') on conflict do nothing`.execute(db);
  const batch = 50_000;
  for (let done = Number(existing.n); done < rows; done += batch) {
    const n = Math.min(batch, rows - done);
    const sentence = sql`${pick(subjects)} || ' ' || ${pick(verbs)} || ' ' || ${pick(topics)} || ' ' || ${pick(tails)}`;
    // Paragraphs come in meetings of 60, one body's, held on one day; the meetings are
    // written in no order of date (day = meeting x 6841 mod 11000 spreads them over 30
    // years), as when an archive is imported. Besides the common business: one paragraph
    // in ten names a councillor (each name in about one paragraph in 200) and a case
    // reference (each in a handful); from March 2020 to December 2021 half the paragraphs
    // speak of the pandemic, which no later one does.
    await sql`
      insert into search_entries (partnership_id, kind, record_id, body_id, occurred_on, title, content, url, restricted, public)
      select '00000000-0000-0000-0000-0000000000b1', (array['minute-paragraph','resolution','agenda-item','action'])[1 + (g % 4)],
        gen_random_uuid(), ('00000000-0000-0000-0000-00000000000' || ((g / 60) % 3))::uuid,
        date '1996-01-01' + ((g / 60) * 6841 % 11000), initcap(${pick(topics)}),
        ${sentence} || ' ' || ${sentence} || ' ' || ${sentence}
          || case when random() < 0.1 then ' Councillor ' || ${pick(surnames)} || ' asked about case NS-' || (g % ${Math.max(1000, Math.floor(rows / 25))}) || '.' else '' end
          || case when (g / 60) * 6841 % 11000 between 8825 and 9496 and random() < 0.5 then ' The pandemic recovery plan was reviewed.' else '' end,
        '/meetings/bench', (g % 20 = 0), (g % 20 <> 0)
      from generate_series(${done + 1}::int, ${done + n}::int) as g`.execute(db);
    process.stdout.write(`\r  generated ${done + n} of ${rows} paragraphs`);
  }
  process.stdout.write('\n');
  await sql`analyze search_entries`.execute(db);
  return true;
}

export const queries: Partial<SearchQuery>[] = [
  { q: 'domestic abuse' }, { q: '"street marshals"' }, { q: 'knife crime -youth' }, { q: 'tactical pot' },
  { q: 'reoffending', kinds: ['resolution'] }, { q: 'fraud older people', from: '2015-01-01', to: '2020-12-31' },
  { q: 'modern slavery', bodyId: '00000000-0000-0000-0000-000000000001' }, { q: 'strategic assessment data late' },
  { q: 'partnership' }, { q: 'fly-tipping enforcement' },
  // Rarer words: a name, a case reference, and a word whose newest matches are years old.
  { q: 'councillor Okafor' }, { q: 'NS-1234' }, { q: 'pandemic recovery' },
];
