// Pages and API of the meetings module. Paper uploads arrive as multipart/form-data,
// read only on the upload routes (upload.ts) with the size limit of papers.ts.
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { PAPER_SIZE_LIMIT } from './papers.ts';
import { meetingPages } from './pages.routes.ts';
import { meetingApi } from './api.routes.ts';
import { bodyRulesApi } from './body-rules.ts';
import { minutesWritingRoutes } from './minutes-writing.routes.ts';
import { noticeRoutes } from './notices/routes.ts';
import { publishingPages } from './publishing.routes.ts';
import { meetingConfirmPages } from './confirm.routes.ts';

export async function meetingsRoutes(app: FastifyInstance): Promise<void> {
  // Registered inside this plugin, so only the meetings routes accept multipart bodies.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: PAPER_SIZE_LIMIT, files: 1, fields: 20, fieldSize: 100_000, parts: 30 } });
  app.decorateRequest('paperUpload', null);
  await meetingPages(app);
  await publishingPages(app);
  await meetingConfirmPages(app);
  await meetingApi(app);
  await bodyRulesApi(app);
  await minutesWritingRoutes(app);
  await noticeRoutes(app);
}

export { listMeetingsForBody } from './store.ts';
