// A disk that fills up, for tests: writes (fs.writeSync) to files whose path matches `match` take `bytes` more bytes in
// all, then one short write, then fail with ENOSPC, as write(2) does on a full disk; `chunk` makes every such write
// short (at most `chunk` bytes). Plain CommonJS so it works in-process (install) and in a spawned CLI:
//   node --require test/helpers/fullDisk.cjs dist/cli.js ...  with SEQLAB_TEST_FULL_DISK='{"match": "...", "bytes": N}'
const fs = require('node:fs');

function install({ match, bytes = Infinity, chunk = Infinity }) {
  const pattern = new RegExp(match);
  const paths = new Map();
  const { openSync, closeSync, writeSync } = fs;
  let left = bytes;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(fs, path, ...rest);
    paths.set(fd, String(path));
    return fd;
  };
  fs.closeSync = function (fd) {
    paths.delete(fd);
    return closeSync.call(fs, fd);
  };
  fs.writeSync = function (fd, buffer, offset, length, position) {
    const path = paths.get(fd);
    if (path === undefined || !pattern.test(path) || typeof buffer === 'string') return writeSync.apply(fs, arguments);
    offset = offset ?? 0;
    length = length ?? buffer.byteLength - offset;
    if (left <= 0 && length > 0) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    const n = Math.min(length, left, chunk);
    left -= n;
    return writeSync.call(fs, fd, buffer, offset, n, position);
  };
  return () => Object.assign(fs, { openSync, closeSync, writeSync });
}

module.exports = { install };

if (process.env.SEQLAB_TEST_FULL_DISK) install(JSON.parse(process.env.SEQLAB_TEST_FULL_DISK));
