// Outgoing e-mail through SMTP (SMTP_URL, MAIL_FROM in config.ts). One small interface so
// that commands send mail without knowing the transport, and tests use a real local server.
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface MailMessage {
  /** An address, or "Name <address>". */
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to the text (the text is always sent). */
  html?: string;
  /** An iCalendar object sent as a calendar invitation (text/calendar with its METHOD). */
  calendar?: { method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; content: string; fileName: string };
  /** A fixed Message-ID ("<id@host>"), so a message sent again is recognisably the same one. */
  messageId?: string;
  /** More header fields (List-Unsubscribe and the like for bulk mail). */
  headers?: Record<string, string>;
  /** The envelope sender (Return-Path) when not the From address: a per-recipient bounce address. */
  envelopeFrom?: string;
  /** Bodies in base64 rather than quoted-printable: much cheaper to encode for a bulk send of long HTML. */
  base64?: boolean;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** The From of every message, for a message composed in advance (a bulk send's template). */
  readonly from?: string;
  /**
   * Sends a message already in MIME form to the envelope given, as it is: a bulk send
   * composes its message once and fills in each recipient's parts (see bulletin.message.ts).
   */
  sendRaw?(envelope: { from: string; to: string }, raw: string): Promise<void>;
  close(): void;
}

/** Raised when mail is asked for but SMTP_URL is not set: the message says what to do. */
export class MailNotConfiguredError extends Error {
  constructor() {
    super('E-mail is not set up: set SMTP_URL (for example smtp://user:password@mail.example.org:587) and restart');
  }
}

/** A mailer for the configured SMTP server, or null when none is configured. */
export function mailerFromConfig(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, options: { pool?: number } = {}): Mailer | null {
  if (!config.smtpUrl) return null;
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    // A bulk send keeps a few connections open and sends over them in turn.
    ...(options.pool ? { pool: true, maxConnections: options.pool, maxMessages: Infinity } : {}),
    // A slow or absent server must not hold a page for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  }, { from: config.mailFrom });
  return {
    async send(message) {
      await transport.sendMail({
        to: message.to, subject: message.subject, text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.messageId ? { messageId: message.messageId } : {}),
        ...(message.headers ? { headers: message.headers } : {}),
        ...(message.envelopeFrom ? { envelope: { from: message.envelopeFrom, to: message.to } } : {}),
        ...(message.base64 ? { textEncoding: 'base64' as const } : {}),
        // Both an alternative part (calendar apps offer Accept/Decline) and an attachment (a file to open).
        ...(message.calendar ? {
          icalEvent: { method: message.calendar.method, filename: message.calendar.fileName, content: message.calendar.content },
        } : {}),
      });
    },
    from: config.mailFrom,
    async sendRaw(envelope, raw) {
      await transport.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw });
    },
    close() {
      transport.close();
    },
  };
}

export function requireMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>): Mailer {
  const mailer = mailerFromConfig(config);
  if (!mailer) throw new MailNotConfiguredError();
  return mailer;
}
