// Destructive actions (removing an item, a paper, a paragraph, an attendance, disabling a
// user) are two steps: a GET shows this page, and its button POSTs to the same address,
// which does it. Without JavaScript a slip of the mouse can no longer remove anything.
import type { FastifyReply } from 'fastify';

export interface Confirmation {
  /** The question, as the page's heading: "Are you sure you want to remove item B2?" */
  title: string;
  caption?: string;
  /** What will happen, in a sentence or two. */
  details?: string[];
  /** What cannot be undone, when something cannot. */
  warning?: string;
  /** Where the button posts: the address that does it. */
  action: string;
  confirmText: string;
  cancelHref: string;
  section?: string;
  breadcrumbs?: { text: string; href: string }[];
}

export const renderConfirmation = (reply: FastifyReply, c: Confirmation) => reply.view('confirm.njk', { details: [], ...c });
