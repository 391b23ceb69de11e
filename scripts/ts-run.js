// Runs a TypeScript file of this repository without a build: @swc/core compiles each .ts file as
// it is required (the same options as jest.config.js), and @app/* resolves to libs/*/src.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@app\/([^/]+)(.*)$/.exec(request);
  return resolve.call(this, alias ? path.join(root, 'libs', alias[1], 'src', alias[2]) : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('reflect-metadata');
require(path.resolve(process.argv[2]));
