// The WASM backend's baseline-SIMD kernels (simd128) against the float64 reference: every op and whole models.
import { wasmParitySuite } from './wasmParity';

wasmParitySuite('simd128');
