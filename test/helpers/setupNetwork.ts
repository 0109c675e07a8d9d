import { afterAll, beforeAll } from '@jest/globals';
import nock from 'nock';

/*
 * No network in tests: everything but loopback is blocked, so a forgotten mock fails loudly.
 * Test files share Node's http module within a worker while each loads its own nock, so every file
 * activates nock for itself and removes it when done; otherwise a previous file's interceptor would
 * answer (and refuse) the next file's requests.
 */
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
});

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
