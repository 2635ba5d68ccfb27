// Commitments made in a minute: who agreed to do what, by when.

import type { ActionReading } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { NameTools } from './names.ts';
import { escapeRe, findDates, sentences, similarity } from './text.ts';

const PRONOUNS = /^(he|she|they|we|i)$/i;
const NOT_SUBJECT = /^(it|this|that|these|those|which|there|what|who|all|any|each|both)\b/i;

/** Splits at clause boundaries outside brackets and returns the last clause. */
function lastClause(prefix: string): string {
  let s = prefix.trim().replace(/[,\s]+$/, '');
  s = s.replace(/,\s*(?:alongside|together with|along with|supported by|as well as|with)\b[^()]*$/i, '').trim();
  let depth = 0;
  let cut = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      const rest = s.slice(i);
      const m = /^(?:,\s+|;\s+|:\s+|\s+that\s+|\s+and\s+(?=the\s|[A-Z])|\s+but\s+|\s+so\s+|\s+who\s+)/i.exec(rest);
      if (m) cut = i + m[0].length;
    }
  }
  return s.slice(cut).trim();
}

export interface ActionContext {
  vocab: Vocabulary;
  tools: NameTools;
  abbreviations: Set<string>;
  meetingYear: number | undefined;
}

export class ActionFinder {
  private lastPerson: string | null = null;
  readonly actions: ActionReading[] = [];
  private readonly verbs: string;
  private readonly participles: Map<string, string>;

  private readonly ctx: ActionContext;
  constructor(ctx: ActionContext) {
    this.ctx = ctx;
    const entries = Object.entries(ctx.vocab.commitmentVerbs);
    this.verbs = entries.map(([v]) => escapeRe(v)).sort((a, b) => b.length - a.length).join('|');
    this.participles = new Map(entries.map(([v, p]) => [p.toLowerCase(), v]));
  }

  private due(text: string, sentence: string): string | null {
    const inText = findDates(text, this.ctx.meetingYear);
    const pick = inText.find((d) => /\b(by|before|no later than|until|on|in)\s+(the\s+)?$/i.test(text.slice(Math.max(0, d.at - 20), d.at))) ?? inText[0];
    if (pick) return pick.iso;
    const around = findDates(sentence, this.ctx.meetingYear);
    return around[0]?.iso ?? null;
  }

  private owner(subject: string, sentence: string): string | null {
    const s = subject.replace(/^(also|then)\s+/i, '').trim();
    if (!s || NOT_SUBJECT.test(s)) return null;
    if (PRONOUNS.test(s)) return /^(he|she)$/i.test(s) ? this.lastPerson : null;
    if (s.split(/\s+/).length > 9) return null;
    if (!/^(the\s|[A-Z])/i.test(s) || /^[a-z]/.test(s) && !/^the\s/.test(s)) return null;
    void sentence;
    return s;
  }

  private add(owner: string | null, text: string, sentence: string): void {
    const clean = text.replace(/\s+/g, ' ').replace(/[.;,\s]+$/, '').trim();
    if (clean.split(' ').length < 2) return;
    if (this.actions.some((a) => similarity(a.text, clean) > 0.8)) return;
    this.actions.push({ owner, text: clean, due: this.due(clean, sentence) });
  }

  private firstPerson(sentence: string): string | null {
    this.ctx.tools.mention.lastIndex = 0;
    const m = this.ctx.tools.mention.exec(sentence);
    return m ? m[0] : null;
  }

  /** Where the last paragraph read began in `actions`, and its text. */
  private lastParagraph: { from: number; text: string } | null = null;

  /** Reads one paragraph of narrative for commitments. */
  readParagraph(text: string): void {
    this.lastParagraph = { from: this.actions.length, text };
    for (const sentence of sentences(text, this.ctx.abbreviations)) {
      const before = this.actions.length;
      if (!this.readActionNote(sentence)) this.readSentence(sentence);
      const person = this.firstPerson(sentence);
      if (person) this.lastPerson = person;
      this.previous = { sentence, gaveAction: this.actions.length > before };
    }
  }

  /** A decision read outside readParagraph (a RESOLVED clause), for an action note after it. */
  noteDecision(sentence: string): void {
    this.previous = { sentence, gaveAction: false };
  }

  /** The sentence read before, and whether it gave an action of its own. */
  private previous: { sentence: string; gaveAction: boolean } | null = null;

  /**
   * "Clerk to action.", "A response was agreed, Clerk to action.": the owner carries out what
   * was just decided, so the decision is the action's text.
   */
  private readActionNote(sentence: string): boolean {
    const m = /^(?:(.*?),\s*)?((?:the\s+)?[A-Z][\w.'’/&-]*(?:\s+(?:and\s+)?[A-Z][\w.'’/&-]*){0,3})\s+to\s+action(?:\s+(?:this|these|it|accordingly))?\s*\.?$/.exec(sentence.trim());
    if (!m) return false;
    let decided = m[1]?.trim();
    if (!decided) {
      if (!this.previous || this.previous.gaveAction) return true;
      decided = this.previous.sentence;
    }
    decided = decided.replace(/^\s*(?:\d{1,3}(?:\.\d{1,3}){0,3}[.)]?)\s+/, '');
    // "It was agreed to renew ...": the act itself; otherwise what was decided, to be put into effect.
    const to = /(?:^|\b(?:agreed|resolved|decided)\s+(?:unanimously\s+)?)to\s+(.+)$/i.exec(decided);
    const that = /(?:^|\b(?:agreed|resolved|decided)\s+(?:unanimously\s+)?)that\s+(.+)$/i.exec(decided);
    this.add(m[2]!, to ? to[1]! : `action ${that ? that[1]! : decided.charAt(0).toLowerCase() + decided.slice(1)}`, sentence);
    return true;
  }

  private readSentence(whole: string): void {
    // Commitments are short; a run-on "sentence" from a broken file is not read past this, which keeps every pattern linear.
    const sentence = whole.length > 1200 ? whole.slice(0, 1200) : whole;
    const vocab = this.ctx.vocab;
    const hedge = new RegExp(`\\b(${vocab.hedgeWords.map(escapeRe).join('|')})\\b`, 'i');
    const speaker = this.firstPerson(sentence) ?? this.lastPerson;

    const label = new RegExp(`^(?:${vocab.actionLabels.map(escapeRe).join('|')})\\s*(?:[:\\-–—]|by\\b)\\s*(.+)$`, 'i').exec(sentence);
    if (label) {
      const body = label[1]!;
      const to = /^(.{2,60}?)\s+to\s+(.+)$/.exec(body);
      if (to && /^(the\s|[A-Z])/.test(to[1]!)) return this.add(to[1]!, to[2]!, sentence);
      return this.add(null, body, sentence);
    }
    const tagged = new RegExp(`^(.*?)\\s*[(\\[](?:${vocab.actionLabels.map(escapeRe).join('|')})\\s*[:\\-–—]\\s*([^)\\]]+)[)\\]]\\.?$`, 'i').exec(sentence);
    if (tagged) return this.add(tagged[2]!.trim(), tagged[1]!, sentence);

    // "X had agreed (with Y) that Z would ..." - X owns what Z will do.
    let m = /^(.*?)\b(?:had\s+)?agreed\s+(?:with\s+[^,]+?\s+)?that\s+(.+?\b(?:would|will)\s+.+)$/i.exec(sentence);
    if (m) {
      const owner = this.owner(lastClause(m[1]!), sentence);
      if (owner && !/^it\b/i.test(lastClause(m[1]!))) return this.add(owner, m[2]!, sentence);
    }
    // "X agreed to ..." / "X undertook to ..."
    m = /^(.*?)\b(?:agreed|undertook|volunteered|offered|promised|committed)\s+to\s+(\w+)(.*)$/i.exec(sentence);
    if (m && !vocab.decisionVerbs.includes(m[2]!.toLowerCase())) {
      const subject = lastClause(m[1]!);
      const owner = this.owner(subject, sentence);
      if (owner || PRONOUNS.test(subject)) return this.add(owner, m[2]! + m[3]!, sentence);
    }
    // "asks the Director to report back ..." - a named doer asked to act.
    m = /\b(?:asks?|asked|requests?|requested|instructs?|instructed|invites?|invited)\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’-]*))*?)\s+to\s+(\w+)(.*)$/.exec(sentence);
    if (m && (this.isCommitment(m[2]!) || findDates(m[3]!, this.ctx.meetingYear).length) && !vocab.decisionVerbs.includes(m[2]!.toLowerCase())) return this.add(m[1]!, m[2]! + m[3]!, sentence);
    // "X were invited to provide ... by 31 July" - a request with a deadline.
    m = /^(.*?)\b(?:were|was|are|is)\s+(?:invited|asked|requested|reminded|encouraged|requested)\s+to\s+(.+)$/i.exec(sentence);
    if (m && findDates(m[2]!, this.ctx.meetingYear).length) {
      const owner = this.owner(lastClause(m[1]!), sentence);
      if (owner) return this.add(owner, m[2]!, sentence);
    }
    // "X to circulate ... by 5 May" - the usual shorthand of action notes.
    m = new RegExp(`^((?:the\\s+)?[A-Z][\\w'’ .-]{1,40}?)\\s+to\\s+((?:${this.verbs})\\b.+)$`).exec(sentence);
    if (m && findDates(m[2]!, this.ctx.meetingYear).length && !/\b(was|were|is|are|had|has)\b/.test(m[1]!)) return this.add(m[1]!.trim(), m[2]!, sentence);
    // "Clerk to post details on the website.", "MC to pursue.", "RB to contact SBC": a short owner, an officer or initials, leading the sentence.
    m = /(?:^|[.;]\s+|\s)((?:the\s+)?(?:Clerk|Chairman|Chair|Vice[- ]Chair(?:man)?|Treasurer|Secretary|Proper Officer|Responsible Financial Officer|RFO)|[A-Z]{2,3}[a-z]?|(?:Cllrs?|Councillor|Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+to\s+([a-z]\w+)\b(.*)$/.exec(sentence);
    // "Co-option of Mrs X to fill the vacancy was voted for": the phrase is the subject of a decision, not a task.
    if (m && sentence.split(/\s+/).length <= 30 && !/\b(?:was|were)\s+(?:\w+\s+)?(?:voted|agreed|approved|accepted|carried|resolved|supported)\b/i.test(m[3]!) && !this.ctx.vocab.decisionVerbs.includes(m[2]!.toLowerCase()) && !/^(?:be|have|the|a|an)$/.test(m[2]!) && !/\b(?:due|able|going|has|have|had|was|were|is|are)\s*$/i.test(sentence.slice(0, m.index + 1)))
      return this.add(m[1]!.trim(), `${m[2]}${m[3]}`, sentence);
    // "... would be circulated to members" - owned by whoever gave the undertaking.
    m = /^(.*?)\b(?:would|will)\s+be\s+(\w+)(\s+back)?\b(.*)$/i.exec(sentence);
    if (m) {
      const verb = this.participles.get(`${m[2]!.toLowerCase()}${m[3] ? ' back' : ''}`) ?? (m[3] ? undefined : this.participles.get(m[2]!.toLowerCase()));
      if (verb && !hedge.test(m[1]!)) {
        const object = lastClause(m[1]!);
        const spelled = NOT_SUBJECT.test(object) || object.split(/\s+/).length > 12 ? '' : ` ${object}`;
        return this.add(speaker, `${verb}${spelled}${m[4]!}`, sentence);
      }
    }
    // "X would circulate ..." - an active undertaking with a named doer.
    m = new RegExp(`^(.*?)\\b(?:would|will)\\s+(?:(?:also|then|now|shortly|soon|personally)\\s+)?((?:${this.verbs})\\b.*)$`, 'i').exec(sentence);
    if (m && !hedge.test(m[1]!)) {
      const subject = lastClause(m[1]!);
      const owner = this.owner(subject, sentence);
      if (owner) return this.add(owner, m[2]!, sentence);
    }
  }

  /**
   * An owner printed beside the last paragraph, in an action column ("Action by: Clerk"):
   * the commitment the paragraph records is theirs. Where its own words gave one, the
   * column's owner replaces the one guessed from them; otherwise the paragraph's decision
   * (or its last sentence) is the action.
   */
  readOwnerBeside(owner: string): void {
    const last = this.lastParagraph;
    if (!last) return;
    const found = this.actions.slice(last.from);
    if (found.length) {
      for (const a of found) a.owner = owner;
      return;
    }
    const all = sentences(last.text, this.ctx.abbreviations);
    const decided = [...all].reverse().find((s) => /\b(?:agreed|resolved|decided)\b/i.test(s));
    const chosen = decided ?? all[all.length - 1] ?? '';
    const m = /\b(?:agreed|resolved|decided)\s+(?:that\s+|to\s+)(.+)$/i.exec(chosen);
    this.add(owner, m ? m[1]! : chosen.replace(/^\s*(?:\d+(?:\.\d+)*[.)]?|[ivx]+\))\s*/i, ''), chosen);
  }

  private isCommitment(word: string): boolean {
    return new RegExp(`^(?:${this.verbs})$`, 'i').test(word) || Object.keys(this.ctx.vocab.commitmentVerbs).some((v) => v.split(' ')[0] === word.toLowerCase());
  }

  /** A resolution clause that asks someone to do something ("to provide an update ..."). */
  readResolutionClause(clause: string, owner: string | null): void {
    const verbs = ['provide', 'report back', 'report', 'circulate', 'submit', 'send', 'bring back', 'present', 'feed back', 'write to'];
    const text = clause.replace(/^(?:that\s+)?to\s+/i, '').trim();
    const first = verbs.find((v) => new RegExp(`^${escapeRe(v)}\\b`, 'i').test(text));
    // "That the Clerk should write to ...", "the Chairman should check ...": each doer named in the resolution.
    const should = [...clause.matchAll(/(?:^|,\s*|\band\s+|\bthat\s+)((?:the\s+)?[A-Za-z][\w@.'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+should\s+(\w+.*?)(?=,\s*(?:and\s+)?(?:that\s+)?(?:the\s+)?[\w@.'’-]+(?:\s+[A-Z][\w'’-]*)?\s+should\b|$)/gi)];
    if (should.length && !first) {
      // "this matter should be brought forward" is passive: no one is named to act.
      // What is to be done, without a clause that only describes its object (", which had been removed ...").
      for (const m of should) if (!/^(?:it|this|that|permission|such|there)\b/i.test(m[1]!.replace(/^the\s+/i, '')) && !/^be\s/i.test(m[2]!)) this.add(m[1]!, m[2]!.replace(/,\s+(?:which|who|whose|where|when)\b.*$/i, ''), clause);
      return;
    }
    if (!first) {
      if (/^(?:asks?|requests?|instructs?|invites?)\s/i.test(text)) this.readParagraph(text);
      return;
    }
    if (/^present\b/i.test(text) && !findDates(text, this.ctx.meetingYear).length) return;
    this.add(owner, text.charAt(0).toLowerCase() + text.slice(1), clause);
  }
}
