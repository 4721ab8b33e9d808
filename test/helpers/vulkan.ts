// A software Vulkan driver for the gpu.js:webgpu tests, so they run (for correctness, not speed) on machines
// without a GPU, CI included. Dawn (the `webgpu` package) rejects Debian 12's lavapipe (Mesa 22.3: "Vulkan
// shaderUniform*ArrayDynamicIndexing required"), so SwiftShader from Debian's chromium package, which .ci/run installs
// for the webview tests, comes first; lavapipe of a newer Mesa is the other candidate.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { probeWebGpu } from '../../src/runner/backends/webgpu';

const SOFTWARE_ICDS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'];

/**
 * Points the Vulkan loader at a software driver unless VK_ICD_FILENAMES already names one; returns the ICD in use, or
 * null when there is none. Set before the first GPU thread starts: the loader reads it once per Vulkan instance,
 * and child processes (the CLI) inherit it.
 */
export function useSoftwareVulkan(): string | null {
  const icd = softwareVulkanIcd();
  if (icd) process.env.VK_ICD_FILENAMES = icd;
  return icd;
}

/** The software Vulkan driver useSoftwareVulkan would use (VK_ICD_FILENAMES first), without setting it; null if none. */
export function softwareVulkanIcd(): string | null {
  return process.env.VK_ICD_FILENAMES || (SOFTWARE_ICDS.find((f) => existsSync(f)) ?? null);
}

/**
 * Skips the test (and returns true) only for a missing system capability, no Vulkan driver Dawn accepts, as the
 * headlessgl tests skip without a display; never on CI. Fails it when gpu.js:webgpu must start here but cannot.
 */
export function skipWithoutWebGpu(t: TestContext): boolean {
  const probe = probeWebGpu();
  if (probe.available) return false;
  if (!process.env.CI && /found no adapter/.test(probe.reason)) {
    t.skip(`no WebGPU adapter here: ${probe.reason}`);
    return true;
  }
  assert.fail(`gpu.js:webgpu must start here but cannot: ${probe.reason}`);
}
