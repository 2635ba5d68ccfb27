// Test documents written for this project about fictional boards, in every format
// the importer reads. They differ from the seeds on purpose: other councils'
// numbering, labels, layouts and words.

import { Document, Packer, Paragraph, HeadingLevel, TextRun, Table, TableRow, TableCell, LevelFormat } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A parish council's minutes as plain text: "24/31" numbering, "Resolved:" and ACTION lines. */
export const parishMinutesText = `LITTLE HOLLOWAY PARISH COUNCIL

Minutes of the Meeting of Little Holloway Parish Council held at the Village Hall, Church Lane on Monday 3 March 2025 at 7.30pm.

Present: Cllr R Fenwick (Chairman), Cllr P Oduya (Vice-Chairman), Cllr T Marsh, Cllr H Quinlan and Cllr D Abara

In attendance: Mrs K Lowther (Clerk) and two members of the public

Apologies: Cllr S Venn, Cllr M Okafor

24/31 Declarations of interest
Cllr Marsh declared an interest in item 24/35 as a neighbour of the applicant.

24/32 Minutes of the previous meeting
Resolved: that the minutes of the meeting held on 3 February 2025 be approved and signed as a true record.

24/33 Village green drainage
The Clerk reported that the contractor had inspected the drain by the war memorial. Members discussed the
quote of £1,850. Cllr Quinlan agreed to obtain a second quotation before the next meeting.
Resolved: to defer a decision until a second quotation is received.
ACTION: Clerk to write to the contractor by 14 March 2025.

24/34 Finance
Resolved:
(a) to approve the payments listed in the schedule;
(b) to note the bank reconciliation for February.

24/35 Planning application 25/0012 - Orchard Cottage
Resolved: to raise no objection.

24/35 Date of next meeting
Resolved: that the next meeting be held on Monday 7 April 2025.
`;

/** A health and wellbeing board's minutes in Markdown, with bulleted resolutions and a private part. */
export const wellbeingMinutesMarkdown = `# Northmoor Health and Wellbeing Board

**Minutes** of the meeting of the Northmoor Health and Wellbeing Board held on Tuesday 14 January 2025 at 2.00 pm in Committee Room 2, County Hall.

**Present:** Cllr Ann Whitby (Chair), Dr Ravi Menon (Vice-Chair), Ms Jo Carver, Mr Tom Ellery, Professor L Gant

**Also present:** Cllr B Nash

**Apologies:** Ms F Adeyemi, Mr G Holt

## 12. Welcome and apologies

The Chair welcomed members. Apologies were noted as above.

## 13. Joint Local Health and Wellbeing Strategy refresh

1. Ms Carver presented the draft strategy and the engagement findings.
2. Members asked about access to dental care in rural wards. Dr Menon agreed to bring a briefing on dental access to the March meeting.
3. Mr Elery said that the survey results would be circulated to members.

RESOLVED that the Board:

- approves the draft strategy for consultation;
- asks the Director of Public Health to report back on consultation responses by 30 April 2025.

## 14. Better Care Fund quarterly return

RESOLVED to note the quarter three return.

## PART 2 - EXEMPT ITEMS (press and public excluded)

## 15. Provider market risk

RESOLVED to note the confidential briefing.
`;

/** A safeguarding adults board's published meeting page, as HTML. */
export const safeguardingPageHtml = `<!DOCTYPE html>
<html><head><title>Agenda and minutes - Eastvale Safeguarding Adults Board</title><script>var x = 1;</script></head>
<body>
<nav><a href="/">Home</a> &gt; <a href="/meetings">Meetings</a></nav>
<h1 class="mgMainTitleTxt">Eastvale Safeguarding Adults Board - Wednesday, 9th April, 2025 1.30 pm</h1>
<p>Venue: Training Suite, Riverside House</p>
<h2>Minutes</h2>
<h3>Minutes of the previous meeting <img alt="pdf icon" src="x.gif"> PDF 120 KB</h3>
<p>RESOLVED that the minutes of the meeting held on 8 January 2025 be agreed as a correct record.</p>
<h3>Safeguarding Adults Review: Mrs P</h3>
<p>The independent reviewer outlined the findings of the review and the learning for partners.</p>
<p>The Board Manager would circulate the seven-minute briefing to partner agencies.</p>
<p>RESOLVED that the final report be endorsed for publication.</p>
<h3>Annual report 2024/25</h3>
<p>The Business Manager explained that contributions were still awaited from two partners.</p>
<p>RESOLVED that the Board notes progress on the annual report.</p>
<footer>Contact us</footer>
</body></html>`;

/** ModernGov web service XML for a community safety partnership meeting. */
export const moderngovXml = `<?xml version="1.0" encoding="utf-8"?>
<getmeeting>
  <meeting>
    <meetingid>4411</meetingid>
    <committeetitle>Westbrook Community Safety Partnership</committeetitle>
    <meetingdate>2024-10-02T00:00:00</meetingdate>
    <meetingtime>10:30</meetingtime>
    <location>Council Chamber, Westbrook Civic Centre</location>
    <attendees>
      <attendee><name>Councillor J Pryce</name><role>Chair</role><attendancetype>Present</attendancetype></attendee>
      <attendee><name>Supt K Varga</name><role>Member</role><attendancetype>Present</attendancetype></attendee>
      <attendee><name>Ms E Lund</name><role>Member</role><attendancetype>Apologies</attendancetype></attendee>
    </attendees>
    <agendaitems>
      <agendaitem>
        <agendaitemnumber>A1</agendaitemnumber>
        <minutenumber>61</minutenumber>
        <agendaitemtitle>Apologies for absence</agendaitemtitle>
        <isrestricted>False</isrestricted>
        <minutes>&lt;p&gt;Apologies were received from Ms E Lund.&lt;/p&gt;</minutes>
      </agendaitem>
      <agendaitem>
        <agendaitemnumber>B1</agendaitemnumber>
        <minutenumber>62</minutenumber>
        <agendaitemtitle>Anti-social behaviour hotspots</agendaitemtitle>
        <isrestricted>False</isrestricted>
        <minutes>&lt;p&gt;Supt Varga agreed to share the patrol plan with district partners.&lt;/p&gt;&lt;p&gt;RESOLVED to note the report.&lt;/p&gt;</minutes>
      </agendaitem>
      <agendaitem>
        <agendaitemnumber>D1</agendaitemnumber>
        <minutenumber>63</minutenumber>
        <agendaitemtitle>Domestic abuse related death review update</agendaitemtitle>
        <isrestricted>True</isrestricted>
        <minutes>&lt;p&gt;RESOLVED that the update be noted.&lt;/p&gt;</minutes>
      </agendaitem>
    </agendaitems>
  </meeting>
</getmeeting>`;

/** The Markdown document as a Word file, built with numbered headings, a table of attendees and a bulleted resolution. */
export async function wellbeingMinutesDocx(): Promise<Uint8Array> {
  const p = (text: string) => new Paragraph({ children: [new TextRun(text)] });
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun('Southfield Health and Wellbeing Board')] }),
          p('Minutes of the meeting of the Southfield Health and Wellbeing Board held at Southfield Town Hall on Thursday 5 June 2025 at 10.00 am.'),
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Present')] }),
          new Table({
            rows: [
              new TableRow({ children: [new TableCell({ children: [p('Cllr M Osei')] }), new TableCell({ children: [p('Chair')] })] }),
              new TableRow({ children: [new TableCell({ children: [p('Dr H Lindqvist')] }), new TableCell({ children: [p('Director of Public Health')] })] }),
              new TableRow({ children: [new TableCell({ children: [p('Mrs C Baptiste')] }), new TableCell({ children: [p('Healthwatch')] })] }),
            ],
          }),
          p(''),
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('7. Pharmaceutical Needs Assessment')] }),
          p('Dr Lindqvist introduced the draft assessment. Mrs Baptiste agreed to share the patient survey with the steering group.'),
          p('RESOLVED that the Board:'),
          new Paragraph({ bullet: { level: 0 }, children: [new TextRun('approves the draft assessment for consultation;')] }),
          new Paragraph({ bullet: { level: 0 }, children: [new TextRun('delegates final approval to the Director of Public Health.')] }),
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('8. Any other business')] }),
          p('There was no other business.'),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** Minutes printed to PDF the way word processors do: lines broken mid-sentence, a hyphenated name split over two lines. */
export async function safeguardingMinutesPdf(): Promise<Uint8Array> {
  const lines = [
    'HARTWELL SAFEGUARDING ADULTS BOARD',
    '',
    'MINUTES of a meeting of the Hartwell Safeguarding Adults Board held online on',
    'Friday, 21 February 2025, at 9.30 am.',
    '',
    'PRESENT: Ms D Okonjo-Reed (Independent Chair), DCI R Amberley, Mr S Falk,',
    'Mrs W Treanor and Dr N Ghosh',
    '',
    'APOLOGIES: Mr P Lusk',
    '',
    '8. Safeguarding Adults Review update (Item 3)',
    '',
    '1. Ms Okonjo-',
    'Reed summarised progress on the two reviews in hand. DCI Amberley agreed to',
    'provide the police chronology by 31 March 2025.',
    '',
    'RESOLVED that the update be noted.',
    '',
    '9. Performance dashboard (Item 4)',
    '',
    '1. Mr Falk presented the quarterly dashboard.',
    '',
    'RESOLVED to note the dashboard and to request a deep dive on',
    'self-neglect referrals for the next meeting.',
  ];
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  let y = 800;
  for (const line of lines) {
    if (line) page.drawText(line, { x: 50, y, size: 10, font });
    y -= 14;
  }
  return new Uint8Array(await doc.save());
}

/** A PDF whose page carries only a drawing, as a scan without text recognition would. */
export async function scannedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 40, y: 40, width: 500, height: 700, borderWidth: 2 });
  return new Uint8Array(await doc.save());
}

/** A PDF that claims to be encrypted with a password nobody gave us. */
export async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage().drawText('Confidential minutes', { x: 50, y: 700, size: 12, font });
  const text = new TextDecoder('latin1').decode(await doc.save({ useObjectStreams: false }));
  const hex = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, '0')).join('');
  const encrypt = `/Encrypt << /Filter /Standard /V 1 /R 2 /O <${hex(11)}> /U <${hex(97)}> /P -44 >>\n/ID [<${hex(5).slice(0, 32)}> <${hex(5).slice(0, 32)}>]\n`;
  const patched = text.replace(/trailer\s*<<\s*/, (m) => m + encrypt);
  const out = new Uint8Array(patched.length);
  for (let i = 0; i < patched.length; i++) out[i] = patched.charCodeAt(i) & 0xff;
  return out;
}

/** Builds a zip from named parts, for Word packages that are broken on purpose. */
export async function zipOf(parts: Record<string, Uint8Array | string>): Promise<Uint8Array> {
  const { ZipFile } = await import('yazl');
  const zip = new ZipFile();
  for (const [name, data] of Object.entries(parts)) zip.addBuffer(Buffer.from(typeof data === 'string' ? new TextEncoder().encode(data) : data), name, { compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * A parish's minutes in Word whose minute numbers are Word's automatic numbering (in
 * numbering.xml, not the text): the list starts at 40 and runs on across the paragraphs
 * between its entries, with lettered sub-items under one minute.
 */
export async function numberedMinutesDocx(): Promise<Uint8Array> {
  const p = (text: string) => new Paragraph({ children: [new TextRun(text)] });
  const minute = (text: string) => new Paragraph({ numbering: { reference: 'minutes', level: 0 }, children: [new TextRun({ text, bold: true })] });
  const sub = (text: string) => new Paragraph({ numbering: { reference: 'minutes', level: 1 }, children: [new TextRun(text)] });
  const doc = new Document({
    numbering: {
      config: [
        {
          reference: 'minutes',
          levels: [
            { level: 0, format: LevelFormat.DECIMAL, text: '%1.', start: 40 },
            { level: 1, format: LevelFormat.LOWER_LETTER, text: '(%2)', start: 1 },
          ],
        },
      ],
    },
    sections: [
      {
        children: [
          p('Minutes of the meeting of Ashcombe Parish Council held on Tuesday 4 March 2025 at 7.30pm in the Village Hall.'),
          p('Present: Cllr A Bell (Chair), Cllr R Dunn, Cllr S Fry'),
          minute('Apologies for absence'),
          p('There were none.'),
          minute('Planning'),
          sub('24/00123/FUL Barn conversion at Hill Farm: no objection.'),
          sub('24/00130/HH Extension at 3 Mill Lane: support.'),
          minute('Finance'),
          p('RESOLVED to approve the payments listed.'),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
