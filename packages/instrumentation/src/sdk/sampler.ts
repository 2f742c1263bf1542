import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { SamplerSetting } from '../config/config.js';

/** The sampler `OTEL_TRACES_SAMPLER` names; a ratio without `OTEL_TRACES_SAMPLER_ARG` keeps everything. */
export function samplerFrom({ name, arg }: SamplerSetting): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(arg ?? 1);
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
