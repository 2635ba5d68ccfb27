// Every word the reader relies on, in one object a partnership can override.
// Nothing here names a particular council or meeting: these are the words
// English committee papers use for structure.

export interface Vocabulary {
  /** Titles printed before a name, longest first is not required. */
  honorifics: string[];
  /** Titles that say the person is a man, and those that say a woman: a clash is worth a warning. */
  maleTitles: string[];
  femaleTitles: string[];
  /** Honours printed after a name (", OBE"); dropped from the name. */
  honours: string[];
  /** Entries in an attendance list that are not named people ("two members of the public"). */
  notPeople: string[];
  /** Labels that open attendance lists. */
  attendanceLabels: {
    present: string[];
    alsoPresent: string[];
    inAttendance: string[];
    apologies: string[];
  };
  /** Words that open a resolution ("RESOLVED that ..."). Matched in capitals, or at the start of a paragraph followed by ':' / 'that' / 'to'. */
  resolutionMarkers: string[];
  /** Phrases in a section heading that mean the items below are held without press and public. */
  restrictedPhrases: string[];
  /** Phrases in a section heading that mean the items below are open. Checked before restrictedPhrases. */
  openPhrases: string[];
  /** Agenda section letters that mean restricted when the document does not say (e.g. "D" for D1, D2). */
  restrictedSectionLetters: string[];
  /** Item titles after which the remaining items are held in private. */
  exclusionTitles: string[];
  /** Words that open a minutes document or section ("NOTES of a meeting of"). */
  minutesWords: string[];
  /** Line that opens an agenda. */
  agendaWords: string[];
  /** Words that end the name of a body ("... Partnership", "... Board"). */
  bodyWords: string[];
  /** Lines in an agenda that are not items. */
  nonItemPhrases: string[];
  /** Words for the place a meeting is held when it is not a building. */
  remoteVenues: string[];
  /** Words that make a standalone line look like a venue. */
  venueWords: string[];
  /** Verbs that, after "would"/"will", make a commitment; and their past participles for "would be ...ed". */
  commitmentVerbs: Record<string, string>;
  /** Verbs after "agreed to" that are decisions rather than tasks. */
  decisionVerbs: string[];
  /** Words before a "would" that make it a hope or a guess, not a commitment. */
  hedgeWords: string[];
  /** Labels that mark an action line ("ACTION: Clerk to ..."). */
  actionLabels: string[];
  /** Text a publishing system leaves where it cut the minutes short. */
  truncationMarkers: string[];
  /** Patterns of template text left in by mistake. */
  placeholderPatterns: RegExp[];
  /** Attachment link text that publishing systems append to titles ("pdf icon PDF 151 KB"). */
  attachmentNoise: RegExp;
  /** Field labels at the head of a report bound into an agenda pack. */
  reportLabels: {
    author: string[];
    to: string[];
    subject: string[];
    date: string[];
    classification: string[];
    /** Labels after the cover block that end it. */
    summary: string[];
    recommendations: string[];
    end: string[];
  };
  /** Abbreviations that end in a full stop without ending a sentence. */
  abbreviations: string[];
  /** Titles of the standing items most minutes have: a cue that a short numbered line is a heading. */
  standardItems: string[];
}

export const defaultVocabulary: Vocabulary = {
  honorifics: [
    'Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Professor', 'Sir', 'Dame', 'Lord', 'Lady', 'Rev', 'Revd', 'Reverend', 'Canon',
    'Cllr', 'Councillor', 'Cllrs', 'Alderman', 'Ald',
    'DI', 'DCI', 'DS', 'DC', 'PC', 'PCSO', 'Sgt', 'Insp', 'Inspector', 'Ch/Insp', 'ChInsp', 'Ch Insp', 'Chief Inspector', 'D/Ch. Insp.', 'D/Ch Insp', 'Det Insp',
    'Supt', 'Superintendent', 'Ch Supt', 'Ch/Supt', 'C/Supt', 'Chief Superintendent', 'Det Supt', 'DSupt', 'ACC', 'DCC', 'Chief Constable', 'CC',
    'Commander', 'Cmdr', 'SM', 'GM', 'AM', 'Station Manager', 'Group Manager',
  ],
  maleTitles: ['Mr', 'Sir', 'Lord'],
  femaleTitles: ['Mrs', 'Ms', 'Miss', 'Dame', 'Lady'],
  honours: ['OBE', 'MBE', 'CBE', 'KBE', 'DBE', 'BEM', 'QPM', 'KPM', 'QFSM', 'KFSM', 'JP', 'DL', 'MP', 'MEP', 'QC', 'KC', 'FRCP', 'FRCS', 'PhD', 'MSc', 'BA', 'MA', 'CVO', 'LVO', 'MVO', 'GM'],
  notPeople: ['member of the public', 'members of the public', 'resident', 'residents', 'the press', 'press', 'observer', 'observers', 'public'],
  attendanceLabels: {
    present: ['present', 'attendance', 'members present', 'attendees', 'attending', 'board members present', 'voting members present', 'councillors present', 'in the chair'],
    alsoPresent: ['also present', 'others present', 'also attending', 'also in attendance'],
    inAttendance: ['in attendance', 'officers in attendance', 'officers present', 'officers', 'advisers present', 'supporting officers'],
    apologies: ['apologies', 'apologies for absence', 'apologies received', 'apologies were received from', 'absent', 'absent with apologies'],
  },
  resolutionMarkers: ['RESOLVED', 'AGREED', 'DECIDED', 'DECISION', 'RESOLUTION'],
  restrictedPhrases: [
    'restricted', 'exempt', 'confidential', 'not for publication', 'not open to the press and public', 'not open to the public',
    'press and public excluded', 'exclusion of the press', 'private session', 'in private', 'closed session', 'part 2', 'part ii', 'part b items',
  ],
  openPhrases: ['unrestricted', 'open to the public', 'open to the press', 'public items', 'open session', 'part 1', 'part i ', 'open items'],
  restrictedSectionLetters: ['D'],
  exclusionTitles: ['exclusion of the press and public', 'exclusion of press and public', 'exclusion of the public', 'motion to exclude the press and public'],
  minutesWords: ['minutes', 'notes', 'record', 'summary'],
  standardItems: [
    'apologies', 'declarations of interest', 'minutes of the previous meeting', 'matters arising', 'correspondence', 'finance', 'accounts for payment',
    'planning', 'planning applications', 'any other business', 'aocb', 'aob', 'date of next meeting', 'next meeting', 'public participation',
    'open forum', 'public questions', 'open questions', "chairman's report", "clerk's report", "treasurer's report", 'items for the next agenda',
  ],
  agendaWords: ['agenda', 'agenda and reports', 'summons and agenda'],
  bodyWords: [
    'Partnership', 'Board', 'Committee', 'Council', 'Panel', 'Group', 'Forum', 'Cabinet', 'Assembly', 'Authority', 'Commission',
    'Executive', 'Network', 'Alliance', 'Sub-Committee', 'Subcommittee', 'Meeting', 'Trust', 'Team',
  ],
  nonItemPhrases: ['comfort break', 'meeting to close', 'close of meeting', 'lunch break', 'refreshments', 'meeting closed', 'meeting closes', 'break for'],
  remoteVenues: ['online', 'virtually', 'virtual', 'remotely', 'by video conference', 'by videoconference', 'via microsoft teams', 'via teams', 'on microsoft teams', 'on teams', 'via zoom', 'on zoom', 'hybrid'],
  venueWords: ['online', 'virtual', 'microsoft teams', 'zoom', 'room', 'chamber', 'hall', 'house', 'centre', 'center', 'offices', 'library', 'pavilion', 'station', 'hq', 'headquarters', 'church'],
  commitmentVerbs: {
    'report back': 'reported back', circulate: 'circulated', provide: 'provided', share: 'shared', send: 'sent', attend: 'attended',
    'update': 'updated', 'bring back': 'brought back', bring: 'brought', present: 'presented', arrange: 'arranged', contact: 'contacted',
    'follow up': 'followed up', 'feed back': 'fed back', 'write to': 'written to', write: 'written', investigate: 'investigated',
    'liaise': 'liaised', 'look into': 'looked into', 'forward': 'forwarded', 'distribute': 'distributed', 'submit': 'submitted',
    'email': 'emailed', 'e-mail': 'e-mailed', 'chase': 'chased', 'raise': 'raised', 'organise': 'organised', 'prepare': 'prepared', 'draft': 'drafted',
    'check': 'checked', 'obtain': 'obtained', 'confirm': 'confirmed',
  },
  decisionVerbs: ['note', 'endorse', 'approve', 'accept', 'receive', 'agree', 'support', 'recommend', 'adopt', 'ratify', 'welcome', 'defer', 'consider'],
  hedgeWords: ['hoped', 'hope', 'hopes', 'expected', 'expects', 'anticipated', 'anticipates', 'unclear', 'whether', 'if', 'might', 'could', 'asked how', 'asked whether', 'questioned', 'wondered', 'unless'],
  actionLabels: ['action', 'actions', 'action point', 'action by', 'agreed action'],
  truncationMarkers: ['view the full minutes text', 'view the full text', 'text has been truncated', '[truncated]', 'continued overleaf'],
  placeholderPatterns: [
    /\b[A-Z]{3,}_[A-Z_]{2,}\b/,
    /\*\*[A-Z_]{4,}\*\*/,
    /\bMERGEFIELD\b/,
    /\{\{[^}]{0,60}\}\}/,
    /<<[^>]{0,60}>>/,
    /\[(?:insert|enter|add|type)\b[^\]]{0,60}\]/i,
    /\blorem ipsum\b/i,
    /\bXX\/XX\/XX(?:XX)?\b/,
  ],
  attachmentNoise: /\s*(?:pdf icon\s*)?\b(?:PDF|DOCX?|XLSX?|PPTX?)\s+\d+(?:\.\d+)?\s*[KM]B\b/gi,
  reportLabels: {
    author: ['from', 'by', 'report of', 'report by', 'author', 'authors', 'report author', 'lead officer', 'contact officer'],
    to: ['to'],
    subject: ['subject', 'title', 'report title', 'title of report'],
    date: ['date', 'meeting date', 'date of meeting'],
    classification: ['classification', 'status', 'report status'],
    summary: ['summary', 'purpose', 'purpose of report', 'executive summary', 'key decision', 'electoral division', 'division'],
    recommendations: ['recommendation', 'recommendations', 'recommendation(s)'],
    end: ['for further information', 'further information', 'contact', 'background documents', 'appendices', 'appendix'],
  },
  abbreviations: ['prop', 'mr', 'mrs', 'ms', 'dr', 'st', 'no', 'nos', 'cllr', 'i.e', 'e.g', 'etc', 'insp', 'ch', 'supt', 'vs', 'approx', 'co', 'ltd', 'rev', 'prof', 'inc', 'dept', 'para', 'paras', 'ref', 'fig', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'al', 'cf', 'www'],
};

/** A vocabulary with some lists replaced or extended; lists given here replace the defaults. */
export function makeVocabulary(overrides: Partial<Vocabulary> = {}): Vocabulary {
  return { ...defaultVocabulary, ...overrides };
}
