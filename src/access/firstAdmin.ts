// The first administrator of a real deployment, made by `npm run create-admin` (never a
// known password): the partnership when there is none yet, the administrator's account,
// and a one-time link to choose their password.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { createSetupLink, NO_PASSWORD_YET } from './setupLinks.ts';

export interface FirstAdminInput {
  email: string;
  name: string;
  /** Needed when the database holds no partnership yet, or to choose one of several by slug. */
  partnership?: { slug: string; name?: string; shortName?: string; hostname?: string | null };
}

export class FirstAdminError extends Error {}

const isEmailAddress = (v: string) => v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

export async function createAdministrator(db: Kysely<DB>, input: FirstAdminInput) {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!isEmailAddress(email)) throw new FirstAdminError('Enter an email address in the correct format, like name@example.org');
  if (!name || name.length > 200) throw new FirstAdminError('Enter the administrator’s name (200 characters or fewer)');
  return db.transaction().execute(async (trx) => {
    const all = await trx.selectFrom('partnerships').select(['id', 'slug', 'name']).orderBy('created_at').execute();
    let partnership = input.partnership ? all.find((p) => p.slug === input.partnership!.slug) : all.length === 1 ? all[0] : undefined;
    let created = false;
    if (!partnership) {
      if (all.length && !input.partnership) throw new FirstAdminError(`There are ${all.length} partnerships: say which with --slug (${all.map((p) => p.slug).join(', ')})`);
      const p = input.partnership;
      if (!p?.name || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(p.slug)) {
        throw new FirstAdminError('There is no partnership yet: give its name and a slug of lower-case letters, digits and hyphens');
      }
      partnership = await trx.insertInto('partnerships')
        .values({ slug: p.slug, name: p.name, short_name: p.shortName || p.name, hostname: p.hostname || null })
        .returning(['id', 'slug', 'name']).executeTakeFirstOrThrow();
      await trx.insertInto('audit_log').values({ partnership_id: partnership.id, actor_label: 'create-admin', action: 'create', record_type: 'partnership', record_id: partnership.id, summary: 'Partnership created by npm run create-admin' }).execute();
      created = true;
    }
    let user = await trx.selectFrom('users').select(['id', 'demo']).where((eb) => eb(eb.fn('lower', ['email']), '=', email)).executeTakeFirst();
    if (user?.demo) throw new FirstAdminError('That is a demo account, which cannot sign in on a real deployment: use a real address');
    user ??= await trx.insertInto('users').values({ email, display_name: name, password_hash: NO_PASSWORD_YET }).returning(['id', 'demo']).executeTakeFirstOrThrow();
    await trx.insertInto('partnership_users').values({ partnership_id: partnership.id, user_id: user.id, role: 'administrator', display_name: name })
      .onConflict((oc) => oc.columns(['partnership_id', 'user_id']).doUpdateSet({ role: 'administrator', disabled_at: null }))
      .execute();
    await trx.insertInto('audit_log').values({
      partnership_id: partnership.id, actor_label: 'create-admin', action: 'create', record_type: 'user', record_id: user.id,
      summary: `Administrator ${name} added by npm run create-admin`, after: JSON.stringify({ email, display_name: name, role: 'administrator' }),
    }).execute();
    const token = await createSetupLink(trx, user.id);
    return { partnership, createdPartnership: created, userId: user.id, token };
  });
}
