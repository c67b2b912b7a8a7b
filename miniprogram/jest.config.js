/**
 * Jest runs the tests in ../tests/miniprogram (next to the API's pytest suite); modules resolve
 * from this folder's node_modules. The end-to-end tests start the API and need its .venv.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/tests/miniprogram'],
  modulePaths: [path.join(__dirname, 'node_modules')],
  testEnvironment: require.resolve('jest-environment-jsdom'),
  setupFilesAfterEnv: [path.join(__dirname, '..', 'tests', 'miniprogram', 'helpers', 'setup.js')],
  testMatch: ['**/*.test.js'],
  testPathIgnorePatterns: ['/node_modules/'],
  // The first page a test file loads waits for wcc to compile the whole project: on a busy
  // machine that alone can pass 20 s.
  testTimeout: 60000,
  // A bare npm name resolves, as in WeChat, to what `npm run build:npm` packed into the
  // subpackage's miniprogram_npm (the published file is an ES module jest cannot run).
  moduleNameMapper: {
    '^@qiun/ucharts$': path.join(__dirname, 'packages', 'staff', 'miniprogram_npm', '@qiun', 'ucharts', 'index.js'),
  },
};
