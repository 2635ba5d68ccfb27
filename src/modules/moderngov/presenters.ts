// The connector's records as the pages and the API show them.
import { formatDateTime, formatDate } from '../../web/nunjucks.ts';
import { megabytes } from './domain.ts';
import type { CommitteeRow, RunRow, SourceRow } from './store.ts';
import type { RunTally } from './tables.ts';

export function runSummary(mode: string, t: RunTally): string {
  const n = (v: number | undefined) => v ?? 0;
  const parts = mode === 'migrate'
    ? [`${n(t.meetingsQueued)} meetings queued as import drafts`, `${n(t.meetingsUnchanged)} unchanged`]
    : [`${n(t.meetingsCreated)} meetings created`, `${n(t.meetingsUpdated)} updated`, `${n(t.meetingsUnchanged)} unchanged`];
  if (t.meetingsHeldBack) parts.push(`${t.meetingsHeldBack} held back (changed here)`);
  parts.push(`${n(t.items)} items`);
  if (mode === 'mirror') parts.push(`${n(t.documents)} documents`);
  if (t.documentsRefused) parts.push(`${t.documentsRefused} documents refused`);
  if (t.doubtfulNames) parts.push(`${t.doubtfulNames} doubtful names`);
  return parts.join(', ');
}

const STATUS = {
  running: ['Running', 'govuk-tag--blue'], finished: ['Finished', 'govuk-tag--green'], failed: ['Stopped with a problem', 'govuk-tag--red'], interrupted: ['Interrupted', 'govuk-tag--orange'],
} as const;

/** A run still marked running whose server has not renewed its lease is shown as what it is: interrupted. */
export const runStatus = (run: RunRow) => (run.status === 'running' && run.lease_lapsed ? 'interrupted' : run.status);

const LAPSED = 'Interrupted: the server running this sync stopped before it finished (nothing has been heard from it since {at}). Everything synced before that is kept; start a sync to carry on from there.';

export function presentRunPage(run: RunRow) {
  const status = runStatus(run);
  return {
    ...run, status, statusLabel: STATUS[status][0], statusClass: STATUS[status][1],
    failure: run.failure ?? (status === 'interrupted' ? LAPSED.replace('{at}', formatDateTime(run.heartbeat_at)) : null), modeLabel: run.mode === 'migrate' ? 'Migrate (import drafts)' : 'Mirror',
    range: `${formatDate(run.from_date)} to ${formatDate(run.to_date)}`, started: formatDateTime(run.started_at), summary: runSummary(run.mode, run.tally),
  };
}

export const presentCommittee = (c: CommitteeRow) => ({ remoteId: c.remote_id, title: c.title, chosen: c.chosen, bodyId: c.body_id, bodyName: c.body_name ?? null });

export const presentSource = (s: SourceRow, committees: CommitteeRow[]) => ({
  id: s.id, name: s.name, baseUrl: s.base_url, operations: s.operations, documentLimitBytes: s.document_limit, mirrorSchedule: s.mirror_schedule, committees: committees.map(presentCommittee),
});

export const documentLimitText = (s: SourceRow) => megabytes(s.document_limit);

export const presentRun = (r: RunRow, log?: { at: Date; level: string; message: string }[]) => ({
  id: r.id, sourceId: r.source_id, mode: r.mode, overwrite: r.overwrite_local, status: runStatus(r), from: r.from_date, to: r.to_date,
  progress: { committees: { done: r.committees_done, total: r.committees_total }, meetings: { done: r.meetings_done, total: r.meetings_total }, documents: { done: r.documents_done, total: r.documents_total } },
  tally: r.tally as Record<string, number>, failure: r.failure ?? (runStatus(r) === 'interrupted' ? LAPSED.replace('{at}', formatDateTime(r.heartbeat_at)) : null), importJobId: r.import_job_id, startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null,
  ...(log ? { log: log.map((l) => ({ at: l.at.toISOString(), level: l.level, message: l.message })) } : {}),
});
