// What the program bundles (scripts/build.mjs) give undici for `node:http2`. undici requires
// node:http2 as it loads, for its HTTP/2 client, and reads these constants from it: loading
// Node's HTTP/2 stack costs every CLI start 7-10 ms, and the tool never lets undici speak HTTP/2
// (no `allowH2`). The constants are HTTP/2's own (RFC 9113) and Node's; the real module is loaded
// if a connection ever asks for it. test/unit/packaging/undici-http2-on-demand.test.ts holds the
// constants to Node's.
'use strict';

module.exports = {
  constants: {
    HTTP2_HEADER_AUTHORITY: ':authority',
    HTTP2_HEADER_METHOD: ':method',
    HTTP2_HEADER_PATH: ':path',
    HTTP2_HEADER_SCHEME: ':scheme',
    HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
    HTTP2_HEADER_EXPECT: 'expect',
    HTTP2_HEADER_STATUS: ':status',
    HTTP2_HEADER_PROTOCOL: ':protocol',
    NGHTTP2_REFUSED_STREAM: 7,
    NGHTTP2_CANCEL: 8,
  },
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, which is the point
  connect: (...args) => require('node:http2').connect(...args),
};
