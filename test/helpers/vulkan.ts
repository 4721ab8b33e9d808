// A software Vulkan driver for the gpu.js:webgpu tests, so they run (for correctness, not speed) on machines
// without a GPU, CI included. Dawn (the `webgpu` package) rejects Debian 12's lavapipe (Mesa 22.3: "Vulkan
// shaderUniform*ArrayDynamicIndexing required"), so SwiftShader from Debian's chromium package, which .ci/run installs
// for the webview tests, comes first; lavapipe of a newer Mesa is the other candidate.
import { existsSync } from 'node:fs';

const SOFTWARE_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'];

/**
 * Points the Vulkan loader at a software driver unless VK_ICD_FILENAMES already names one; returns the ICD in use, or
 * null when there is none. Set before the first GPU thread starts: the loader reads it once per Vulkan instance,
 * and child processes (the CLI) inherit it.
 */
export function useSoftwareVulkan(): string | null {
  if (process.env.VK_ICD_FILENAMES) return process.env.VK_ICD_FILENAMES;
  const icd = SOFTWARE_ICDS.find((f) => existsSync(f)) ?? null;
  if (icd) process.env.VK_ICD_FILENAMES = icd;
  return icd;
}
