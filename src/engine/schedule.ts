// Learning-rate schedules as closed forms of the step index, matching torch.optim.lr_scheduler.
import type { ScheduleSpec } from './spec';

/**
 * The learning rate of update number `step` (0-based: the first update is step 0).
 * - step:    StepLR, baseLr·gamma^⌊step/stepSize⌋.
 * - cosine:  CosineAnnealingLR's closed form with T_max = totalSteps and eta_min = minLr, held at minLr
 *            past totalSteps (torch's closed form would rise again, which no one asking to anneal wants).
 * - warmup:  baseLr·step/warmupSteps for step < warmupSteps (LinearLR from a factor of 0), then `after`
 *            evaluated at step − warmupSteps.
 */
export function learningRate(spec: ScheduleSpec, baseLr: number, step: number): number {
  if (!Number.isInteger(step) || step < 0) throw new Error(`learningRate: step must be an integer ≥ 0, got ${step}`);
  switch (spec.type) {
    case 'constant':
      return baseLr;
    case 'step':
      if (!(spec.stepSize >= 1)) throw new Error(`step schedule: stepSize must be ≥ 1, got ${spec.stepSize}`);
      return baseLr * spec.gamma ** Math.floor(step / spec.stepSize);
    case 'cosine':
      if (!(spec.totalSteps >= 1)) throw new Error(`cosine schedule: totalSteps must be ≥ 1, got ${spec.totalSteps}`);
      return spec.minLr + ((baseLr - spec.minLr) * (1 + Math.cos((Math.PI * Math.min(step, spec.totalSteps)) / spec.totalSteps))) / 2;
    case 'warmup':
      if (!(spec.warmupSteps >= 0)) throw new Error(`warmup schedule: warmupSteps must be ≥ 0, got ${spec.warmupSteps}`);
      if (step < spec.warmupSteps) return (baseLr * step) / spec.warmupSteps;
      return learningRate(spec.after, baseLr, step - spec.warmupSteps);
  }
}
