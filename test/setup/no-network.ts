// Tests are hermetic: any request through node:http / fetch to a non-loopback host fails loudly.
// (undici's own Dispatcher is not seen by nock; API client tests inject undici's MockAgent instead.)
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
