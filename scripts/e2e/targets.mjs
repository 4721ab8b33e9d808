// The VS Code targets a .vsix is built for, and the folder of node_modules/webgpu/dist whose dawn.node each loads:
// webgpu's index.js reads dist/<process.platform>-<arch>/dawn.node, with arch "universal" on macOS.
export const DAWN_TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-universal',
  'darwin-arm64': 'darwin-universal',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};

/** The dist folder holding the target's Dawn binary, or undefined for a target webgpu has none for. */
export function dawnFolder(target) {
  return DAWN_TARGETS[target];
}
