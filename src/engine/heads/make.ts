// The head a spec asks for, shared by every model kind.
import type { Backend } from '../backend';
import type { ModelSpec } from '../spec';
import { AllStepsHead } from './allSteps';
import { AttentionHead } from './attention';
import type { Head, HeadParams, HeadShape } from './head';
import { LastStepHead } from './lastStep';

export function makeHead(be: Backend, spec: ModelSpec, p: HeadParams, shape: HeadShape): Head {
  switch (spec.head.output) {
    case 'last':
      return new LastStepHead(be, p, shape);
    case 'all':
      return new AllStepsHead(be, p, shape);
    case 'attention':
      return new AttentionHead(be, p, shape);
  }
}
