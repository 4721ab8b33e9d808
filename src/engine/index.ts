// The engine's public surface: the model, its data types, and the reference backend.
export { Model, type ForwardBackwardOptions } from './model';
export type { Batch } from './batch';
export { parameterShapes, gateCount, type Param, type ParamShape } from './params';
export type { ProbeResult, ProbeTrace } from './probe';
export { createReferenceBackend } from './backends/reference';
export type { Backend, BackendInfo, Buf, DType } from './backend';
export type { ModelSpec, LossType } from './spec';
