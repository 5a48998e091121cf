export {
  DEFAULT_GENERATION_POLICY,
  loadGenerationPolicy,
  mayGenerate,
  type GenerationGround,
  type GenerationPolicy,
} from './generation-policy.js';
export {
  LineGenerator,
  type Fact,
  type Fallback,
  type Generated,
  type GenerationAsk,
  type LineGeneratorDeps,
} from './line-generator.js';
export { buildPrompt, type PromptInput } from './prompt.js';
