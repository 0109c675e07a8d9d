import nock from 'nock';

// No network in tests: everything but loopback is blocked, so a forgotten mock fails loudly.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
