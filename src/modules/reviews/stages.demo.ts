// Demo entries for the working stages of the two fictional demo cases (demo.ts), written
// for this project: invented agencies' contacts, family entries, feedback and findings.
// Ashgrove (under way): a police chronology received, a health report overdue and chased,
// the family's contact, offer, meeting and chosen name, a draft. Linden (a safeguarding
// adults review, published): its quality markers, three findings with the board's
// decisions (one not accepted, with reasons) and its published report.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { DB } from '../../db/schema.ts';
import { addDays } from '../partnership/domain.ts';

async function demoPdf(lines: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 56, y: 780 - i * 18, size: 11, font }));
  return pdf.save({ useObjectStreams: false });
}

export async function seedReviewStagesDemo(trx: Transaction<DB>, partnershipId: string, today: string, officer: { id: string; display_name: string }): Promise<void> {
  const cases = await trx.selectFrom('review_cases').select(['id', 'pseudonym']).where('partnership_id', '=', partnershipId).execute();
  const ashgrove = cases.find((c) => c.pseudonym === 'Ashgrove');
  const linden = cases.find((c) => c.pseudonym === 'Linden');
  const by = { by_user_id: officer.id, by_label: officer.display_name };
  const doc = async (caseId: string, kind: string, title: string, fileName: string, lines: string[], published = false) => {
    const bytes = await demoPdf(lines);
    return trx.insertInto('review_documents').values({
      partnership_id: partnershipId, case_id: caseId, kind, title, file_name: fileName, media_type: 'application/pdf', byte_size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'), content: bytes, published, uploaded_by: officer.id,
    }).returning('id').executeTakeFirstOrThrow();
  };

  if (ashgrove) {
    const chronology = await doc(ashgrove.id, 'agency-report', 'Northshire Police: chronology', 'police-chronology.pdf',
      ['Northshire Police chronology for the review known as Ashgrove', 'Fictional demo document: no real person is described.']);
    const requests = [
      { what: 'chronology', agency: 'Northshire Police', contact_name: 'Inspector Dev Marlow', contact_email: 'dev.marlow@police.northshire.example', requested: -170, due: -140, received: -145, document_id: chronology.id, chases: [] as number[] },
      { what: 'agency-report', agency: 'Northshire Integrated Care Board', contact_name: 'Rosa Kettleby', contact_email: 'rosa.kettleby@icb.northshire.example', requested: -60, due: -20, received: null, document_id: null, chases: [-12, -4] },
      { what: 'agency-report', agency: 'Brackenford Borough Council housing', contact_name: 'Sam Okafor', contact_email: 'sam.okafor@brackenford.example', requested: -30, due: 10, received: null, document_id: null, chases: [] },
    ];
    for (const r of requests) {
      const row = await trx.insertInto('review_agency_requests').values({
        partnership_id: partnershipId, case_id: ashgrove.id, what: r.what, agency: r.agency, contact_name: r.contact_name, contact_email: r.contact_email,
        requested_on: addDays(today, r.requested), due_on: addDays(today, r.due), received_on: r.received === null ? null : addDays(today, r.received), document_id: r.document_id, created_by: officer.id,
      }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('review_agency_request_events').values({ partnership_id: partnershipId, request_id: row.id, kind: 'sent', happened_on: addDays(today, r.requested), ...by }).execute();
      for (const d of r.chases) await trx.insertInto('review_agency_request_events').values({ partnership_id: partnershipId, request_id: row.id, kind: 'chased', happened_on: addDays(today, d), note: d === r.chases[0] ? 'The panel meets next month and needs the report before then.' : null, ...by }).execute();
      if (r.received !== null) await trx.insertInto('review_agency_request_events').values({ partnership_id: partnershipId, request_id: row.id, kind: 'received', happened_on: addDays(today, r.received), ...by }).execute();
    }
    const family = [
      { kind: 'contact', days: -165, who: 'Her adult son, through the police family liaison officer', details: 'Prefers letters to telephone calls; asked that his workplace is not contacted.' },
      { kind: 'offer', days: -160, who: null, details: 'Letter from the chair offering a part in the review and an independent advocate from the specialist service.' },
      { kind: 'meeting', days: -120, who: 'Her son and his aunt, with the advocate', details: 'Met the chair at the advocate\'s office. They spoke about how isolated she had become after the separation.' },
      { kind: 'naming', days: -120, who: 'Her son', details: 'The family chose the name Ashgrove, after the street where she grew up, and asked that her age is not given.' },
    ];
    for (const f of family) {
      await trx.insertInto('review_family_entries').values({ partnership_id: partnershipId, case_id: ashgrove.id, kind: f.kind, happened_on: addDays(today, f.days), who: f.who, details: f.details, created_by: officer.id }).execute();
    }
    await doc(ashgrove.id, 'draft', 'First draft overview report', 'ashgrove-first-draft.pdf', ['Ashgrove: first draft overview report', 'Fictional demo document.']);
  }

  if (linden) {
    for (const marker of ['referral', 'decision', 'governance', 'independence', 'method', 'adult-and-family', 'practitioners', 'analysis', 'findings', 'report', 'sharing']) {
      await trx.insertInto('review_sar_markers').values({ partnership_id: partnershipId, case_id: linden.id, marker }).execute();
    }
    const findings = [
      { text: 'Agencies saw his home deteriorate over two winters but each thought another agency was leading', decision: 'accepted', reasons: null },
      { text: 'His wish to stay independent was respected without anyone checking what he understood of the risks', decision: 'accepted', reasons: null },
      { text: 'The out-of-hours GP service should have raised a safeguarding concern after the first fall', decision: 'not-accepted', reasons: 'The service\'s records show a concern was raised by telephone; the board asked for the call-logging gap to be fixed instead.' },
    ];
    let number = 0;
    for (const f of findings) {
      await trx.insertInto('review_sar_findings').values({ partnership_id: partnershipId, case_id: linden.id, number: ++number, text: f.text, decision: f.decision, reasons: f.reasons, decided_on: addDays(today, -390) }).execute();
    }
    await doc(linden.id, 'published-report', 'Linden: safeguarding adults review report', 'linden-report.pdf',
      ['Safeguarding adults review: Linden', 'Published report (fictional demo document).', 'The review recommends one pathway for self-neglect across the partnership.'], true);
  }
}
