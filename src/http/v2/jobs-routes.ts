import type { Request, Response } from 'express';
import { listCorpusJobs, MAX_JOB_PAGE_SIZE } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { jobBody } from '../batch/job-views.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { required } from '../locals.js';
import { corpusParam, CREDENTIAL_ERRORS, customerHeader, query } from '../openapi/parameters.js';
import { queryValue } from '../query.js';
import type { Route } from '../route.js';

/**
 * The batch jobs of a corpus, for operators (readers of the corpus; the console signs in with an
 * admin key): where each uploaded file is, and why a failed one failed.
 */
const list: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator),
  resolveCustomer('header-optional'),
  async (req: Request, res: Response) => {
    const listing = await listCorpusJobs(deps, required(res, 'principal'), corpusFromPath(req, res), {
      status: queryValue(req, 'status'), limit: queryValue(req, 'limit'), pageKey: queryValue(req, 'page_key'),
    });
    res.json({ jobs: listing.jobs.map(jobBody), metadata: { page_key: listing.nextPageKey ?? '' } });
  },
];

export const JOB_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v2/corpora/:corpus/jobs',
    operation: {
      operationId: 'listCorpusJobs',
      summary: "Page through the corpus's batch upload jobs in upload order, with their status and error",
      parameters: [
        corpusParam,
        customerHeader(false),
        query('status', 'only jobs in these states: queued, processing, done, failed, several joined by commas'),
        query('limit', `page size, 1 … ${MAX_JOB_PAGE_SIZE} (default 100)`),
        query('page_key', 'from the previous page'),
      ],
      ok: { 200: 'JobList' },
      errors: CREDENTIAL_ERRORS,
    },
    handlers: list,
  },
];
