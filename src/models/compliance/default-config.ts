import { fileURLToPath } from 'node:url';
import { loadComplianceConfig, type ParsedComplianceConfig } from './compliance-config.js';

/**
 * The built-in policy is config/compliance.json at the package root (the
 * same relative path from src/ and from dist/), validated at import so a
 * broken file fails at start, not on the first bot turn.
 */
export const DEFAULT_COMPLIANCE_CONFIG_PATH = fileURLToPath(
  new URL('../../../config/compliance.json', import.meta.url),
);

export const DEFAULT_COMPLIANCE_CONFIG: ParsedComplianceConfig = loadComplianceConfig(
  DEFAULT_COMPLIANCE_CONFIG_PATH,
);
