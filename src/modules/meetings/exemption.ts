// The paragraphs of Part 1 of Schedule 12A to the Local Government Act 1972 under which an
// item may be held without the press and public. Chosen per item (migration 018); the
// public agenda shows the paragraph in place of the item's title. Summaries in our words.

export const SCHEDULE_12A_PARAGRAPHS: readonly { value: number; text: string }[] = [
  { value: 1, text: 'information about a particular person' },
  { value: 2, text: 'information likely to reveal who a person is' },
  { value: 3, text: 'the financial or business affairs of a particular person, including the authority' },
  { value: 4, text: 'consultations or negotiations on a labour relations matter with the authority’s employees or office holders' },
  { value: 5, text: 'information covered by legal professional privilege' },
  { value: 6, text: 'a proposal to give a notice imposing requirements on a person, or to make an order or direction' },
  { value: 7, text: 'action taken or to be taken to prevent, investigate or prosecute crime' },
];

export const exemptionParagraphValues = SCHEDULE_12A_PARAGRAPHS.map((p) => String(p.value));

/** "Exempt under paragraph 7 of Part 1 of Schedule 12A to the Local Government Act 1972 (...)" */
export function exemptionText(paragraph: number | null): string {
  const p = SCHEDULE_12A_PARAGRAPHS.find((x) => x.value === paragraph);
  if (!p) return 'Exempt under Part 1 of Schedule 12A to the Local Government Act 1972';
  return `Exempt under paragraph ${p.value} of Part 1 of Schedule 12A to the Local Government Act 1972 (${p.text})`;
}

/** The paragraph a section's wording names ("Paragraph 1 of Part 1 ..."), as the default for its items. */
export function paragraphOfReason(reason: string | null): number | null {
  const m = /paragraph\s+([1-7])\b/i.exec(reason ?? '');
  return m ? Number(m[1]) : null;
}
