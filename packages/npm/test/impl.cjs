'use strict'
// The implementation under test. The API-level suites (see README.md) load the package only
// through this module, so the same files run against the native package and, with
// TEST_WASM=1, against the WebAssembly build in ../../npm-wasm.
module.exports = process.env.TEST_WASM ? require('../../npm-wasm') : require('..')
