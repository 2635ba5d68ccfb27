// The documents of a migrated meeting: downloaded by the migrate sync and held (store.ts
// holdDocument) until the clerk accepts the meeting's import draft; then, in the accept's
// own transaction, each is attached to its item of the imported meeting as a paper
// through the meetings commands (so their checks, restriction and audit apply).
import type { Context, Tx } from '../../access/context.ts';
import { ConflictError, ValidationError } from '../../web/errors.ts';
import { attachPaper } from '../meetings/agenda.commands.ts';
import { listAgendaItems } from '../meetings/store.ts';
import { fold } from '../documents/matching.ts';
import { onDraftAttachments, onImportAccepted, type AcceptedImport, type DraftAttachment } from '../documents/imports.commands.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addLog } from './store.ts';

/** The item a document was linked to: the same title, else the same minute number. */
function itemFor<T extends { title: string; minute_number: number | null; minute_printed?: string | null }>(items: T[], doc: { item_title: string; item_minute_number: string | null }): T | undefined {
  const title = fold(doc.item_title);
  const byTitle = items.filter((i) => fold(i.title) === title);
  if (byTitle.length === 1) return byTitle[0];
  const number = doc.item_minute_number?.trim().replace(/\.$/, '');
  if (!number) return undefined;
  const byNumber = items.filter((i) => (i.minute_number !== null && String(i.minute_number) === String(Number(number))) || i.minute_printed === number);
  return byNumber.length === 1 ? byNumber[0] : undefined;
}

export async function attachMigratedDocuments(ctx: Context, trx: Tx, accepted: AcceptedImport): Promise<void> {
  const pid = ctx.actor.partnershipId;
  const original = await trx.selectFrom('documents').select('sha256').where('partnership_id', '=', pid).where('id', '=', accepted.documentId).executeTakeFirst();
  if (!original) return;
  const held = await trx.selectFrom('moderngov_documents').selectAll().where('partnership_id', '=', pid).where('reply_sha256', '=', original.sha256)
    .where('paper_id', 'is', null).where('content', 'is not', null).orderBy('remote_id').execute();
  if (!held.length) return;
  // A GetMeeting reply is one meeting.
  const meetingId = accepted.meetingIds[0];
  const items = meetingId ? await listAgendaItems(trx, pid, meetingId) : [];
  for (const doc of held) {
    const item = itemFor(items, doc);
    if (!meetingId || !item) {
      await addLog(trx, pid, doc.run_id, 'warning', `${doc.title} (ModernGov document ${doc.remote_id}) was not attached when import /imports/${accepted.importId} was accepted: its item “${doc.item_title}” is not in the meeting as accepted. Attach it to the meeting by hand`);
      continue;
    }
    try {
      const paper = await attachPaper(ctx, meetingId, item.id, { fileName: doc.file_name, bytes: doc.content!, tooLarge: false, fields: { title: doc.title.slice(0, 300) } });
      await trx.updateTable('moderngov_documents').set({ paper_id: paper.id, meeting_id: meetingId, attached_at: new Date(), content: null })
        .where('partnership_id', '=', pid).where('id', '=', doc.id).execute();
      await addLog(trx, pid, doc.run_id, 'info', `${doc.title} attached to item “${item.title}” of meeting /meetings/${meetingId} as import /imports/${accepted.importId} was accepted`);
    } catch (error) {
      // Refused before anything was written (the file's checks): the meeting is accepted without it, and the log says so.
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      await addLog(trx, pid, doc.run_id, 'warning', `${doc.title} was not attached to meeting /meetings/${meetingId}: ${error.message}`);
    }
  }
}

/** The documents held for a draft read from a GetMeeting reply, as its page lists them: to attach, attached, or not downloaded and why. */
export async function listMigratedDocuments(db: Kysely<DB>, partnershipId: string, documentId: string): Promise<DraftAttachment[]> {
  const rows = await db.selectFrom('moderngov_documents as d')
    .innerJoin('documents as o', (j) => j.onRef('o.partnership_id', '=', 'd.partnership_id').onRef('o.sha256', '=', 'd.reply_sha256'))
    .select(['d.title', 'd.item_title', 'd.failure', 'd.paper_id']).where('d.partnership_id', '=', partnershipId).where('o.id', '=', documentId)
    .orderBy('d.remote_id').execute();
  return rows.map((r) => ({
    title: r.title, item: r.item_title, state: r.paper_id ? 'attached' : r.failure ? 'failed' : 'waiting',
    detail: r.failure ? `${r.failure}. Run the migrate sync again to try again: once downloaded it is attached, to the meeting if this draft was accepted by then` : null,
  }));
}

/** Called when the connector's routes are set up; once is enough however often it is called. */
export function registerMigratedDocuments(): void {
  onImportAccepted(attachMigratedDocuments);
  onDraftAttachments(listMigratedDocuments);
}
