export {
  complianceConfigSchema,
  loadComplianceConfig,
  parseComplianceConfig,
  type ComplianceConfig,
  type ParsedComplianceConfig,
  type SayInstead,
} from './compliance-config.js';
export { DEFAULT_COMPLIANCE_CONFIG, DEFAULT_COMPLIANCE_CONFIG_PATH } from './default-config.js';
export {
  createComplianceChecker,
  createComplianceGuard,
  type ComplianceGuard,
  type Speaker,
} from './guard.js';
export { withSayInstead } from './say-instead.js';
