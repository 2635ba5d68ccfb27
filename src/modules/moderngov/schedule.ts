// The scheduled mirror: every so often, each source on a schedule whose interval has passed
// since its last sync is mirrored, as the administrator who set the schedule (their role is
// checked again each time: one no longer an administrator, or disabled, starts nothing).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { loadUserActor } from '../../access/sessions.ts';
import { todayIso } from '../partnership/domain.ts';
import { mirrorDue, scheduledRange, type MirrorSchedule } from './domain.ts';
import { startSync } from './commands.ts';
import type { SyncOptions } from './sync.ts';
import type { RunRow } from './store.ts';

export const SCHEDULE_CHECK_MS = 10 * 60_000;

export async function startDueMirrors(db: Kysely<DB>, now = new Date(), options: SyncOptions = {}): Promise<{ run: RunRow; finished: Promise<RunRow> }[]> {
  const sources = await db.selectFrom('moderngov_sources as s')
    .innerJoin('partnership_users as pu', (j) => j.onRef('pu.partnership_id', '=', 's.partnership_id').onRef('pu.user_id', '=', 's.schedule_user_id'))
    .innerJoin('users as u', 'u.id', 'pu.user_id')
    .select(['s.partnership_id', 's.id', 's.mirror_schedule', 'pu.user_id', 'pu.role', 'pu.person_id', 'u.display_name', 'pu.display_name as local_name'])
    .select((eb) => eb.selectFrom('moderngov_runs as r').select((r) => r.fn.max('r.started_at').as('m')).whereRef('r.partnership_id', '=', 's.partnership_id').whereRef('r.source_id', '=', 's.id').as('last_started'))
    .where('s.mirror_schedule', '!=', 'none').where('pu.role', '=', 'administrator').where('pu.disabled_at', 'is', null).where('u.disabled_at', 'is', null)
    .execute();
  const started = [];
  for (const s of sources) {
    const last = s.last_started ? new Date(s.last_started as unknown as string) : null;
    if (!mirrorDue(s.mirror_schedule as MirrorSchedule, last, now)) continue;
    const actor = await loadUserActor(db, s.partnership_id, s.user_id, s.local_name ?? s.display_name, s.role, s.person_id);
    try {
      started.push(await startSync({ db, actor }, s.id, { mode: 'mirror', ...scheduledRange(todayIso(now)) }, { ...options, scheduled: true }));
    } catch {
      // A sync of it already running, or its committees unchosen since: the next check tries again.
    }
  }
  return started;
}
