#!/usr/bin/env node
// Builds GOV.UK Frontend's stylesheet with the settings for a service that is not on
// GOV.UK: Arial and Helvetica instead of the GDS Transport font (which only GOV.UK may
// use), and no font files. The result is committed (src/web/static/govuk-frontend.css)
// so that installing and starting the app needs no Sass; a test checks it was built from
// the installed GOV.UK Frontend. Run after upgrading govuk-frontend: npm run build:css
import { compile } from 'sass';
import { writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const govuk = dirname(require.resolve('govuk-frontend/package.json'));
const version = JSON.parse(readFileSync(join(govuk, 'package.json'), 'utf8')).version;
const entry = join(root, 'src', 'web', 'govuk-frontend.scss');
const { css } = compile(entry, { style: 'compressed', loadPaths: [join(govuk, 'dist')], quietDeps: true, silenceDeprecations: ['import'] });
const out = join(root, 'src', 'web', 'static', 'govuk-frontend.css');
writeFileSync(out, `/* GOV.UK Frontend ${version}, built by scripts/build-css.mjs for a service outside GOV.UK */\n${css}\n`);
console.log(`wrote ${out} (${Math.round(css.length / 1024)} KB) from govuk-frontend ${version}`);
