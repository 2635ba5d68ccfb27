// Our own ModernGov-shaped records for the tests: three committees, meetings of two of
// them inside the range asked for (one cancelled, with no items), one long before it,
// one of a committee nobody chose. Written from the element names the web service uses.

export interface FixtureDocument {
  id: string;
  title: string;
  /** Path on the fixture server; linked as an http:// address. Null: only GetAttachment knows it. */
  path: string | null;
  lines: string[];
  /** Padding that makes the file this many bytes (a document over the limit). */
  size?: number;
}

export interface FixtureItem {
  id: string;
  number: string;
  minuteNumber: string | null;
  title: string;
  restricted: boolean;
  exemptReason?: string;
  minutesHtml: string;
  documents: FixtureDocument[];
}

export interface FixtureMeeting {
  id: string;
  committeeId: number;
  /** ISO; written dd/mm/yyyy in replies. */
  date: string;
  time: string;
  venue: string;
  status: 'Confirmed' | 'Cancelled';
  attendees: { name: string; role: string; attendance: string }[];
  items: FixtureItem[];
}

export const fixtureCommittees = [
  { id: 12, title: 'Partnership' },
  { id: 14, title: 'Working Group' },
  { id: 15, title: 'Licensing Committee' },
];

export function fixtureMeetings(): FixtureMeeting[] {
  return [
    {
      id: '3101', committeeId: 12, date: '2025-03-12', time: '10:00', venue: 'Council Chamber, County Hall', status: 'Confirmed',
      attendees: [
        { name: 'Cllr Harriet Kellaway', role: 'Chair', attendance: 'Present' },
        { name: 'Supt D Osei', role: 'Member', attendance: 'Present' },
        { name: 'A Brennan', role: 'Member', attendance: 'Present' },
        { name: 'Ms Priya Ramaswamy', role: 'Member', attendance: 'Apologies' },
        { name: 'Mr Quentin Farrow', role: 'Officer', attendance: 'In attendance' },
      ],
      items: [
        { id: '51001', number: '1', minuteNumber: '27', title: 'Apologies for absence', restricted: false, minutesHtml: '<p>Apologies were received from Ms Ramaswamy.</p>', documents: [] },
        {
          id: '51002', number: '2', minuteNumber: '28', title: 'Anti-social behaviour in the town centre', restricted: false,
          minutesHtml: '<p>The Superintendent presented the quarterly figures.</p><p>RESOLVED that the report be noted.</p>',
          documents: [{ id: '9001', title: 'Town centre report', path: '/documents/s9001/Town%20centre%20report.pdf', lines: ['Town centre report', 'Quarterly figures'] }],
        },
        {
          id: '51003', number: '3', minuteNumber: '29', title: 'Review case update', restricted: true, exemptReason: 'Paragraph 1: information relating to an individual',
          minutesHtml: '<p>The panel heard an update on the review of Vellichor Drummond.</p>',
          documents: [{ id: '9002', title: 'Review case briefing', path: null, lines: ['Review case briefing', 'Restricted'] }],
        },
      ],
    },
    {
      id: '3102', committeeId: 12, date: '2025-06-18', time: '14:00', venue: 'Committee Room 2, County Hall', status: 'Confirmed',
      attendees: [{ name: 'Cllr Harriet Kellaway', role: 'Chair', attendance: 'Present' }],
      items: [
        { id: '51011', number: '1', minuteNumber: null, title: 'Community Safety Agreement refresh', restricted: false, minutesHtml: '', documents: [
          { id: '9003', title: 'Draft agreement', path: '/documents/s9003/Draft%20agreement.pdf', lines: ['Draft agreement'] },
        ] },
        { id: '51012', number: '2', minuteNumber: null, title: 'Dates of future meetings', restricted: false, minutesHtml: '', documents: [] },
      ],
    },
    { id: '3103', committeeId: 12, date: '2025-09-10', time: '10:00', venue: 'Council Chamber, County Hall', status: 'Cancelled', attendees: [], items: [] },
    {
      id: '3201', committeeId: 14, date: '2025-04-02', time: '09:30', venue: 'Meeting Room 1, Civic Centre', status: 'Confirmed',
      attendees: [{ name: 'Mr Tomas Lindqvist', role: 'Chair', attendance: 'Present' }],
      items: [
        { id: '52001', number: '1', minuteNumber: '14', title: 'Grant proposals', restricted: false, minutesHtml: '<p>Two proposals were endorsed &amp; sent to the Commissioner.</p>', documents: [] },
      ],
    },
    // Before the range: the service's capped list brings it back when the range is not understood.
    { id: '2001', committeeId: 12, date: '2019-01-15', time: '10:00', venue: 'Old Hall', status: 'Confirmed', attendees: [], items: [
      { id: '41001', number: '1', minuteNumber: '1', title: 'Old business from 2019', restricted: false, minutesHtml: '<p>Old.</p>', documents: [] },
    ] },
    // A committee nobody chose.
    { id: '3301', committeeId: 15, date: '2025-05-05', time: '18:00', venue: 'Licensing Suite', status: 'Confirmed', attendees: [], items: [
      { id: '53001', number: '1', minuteNumber: null, title: 'Premises licence review', restricted: false, minutesHtml: '', documents: [] },
    ] },
  ];
}

/** The range the tests sync. */
export const fixtureRange = { from: '2025-01-01', to: '2025-12-31' };
