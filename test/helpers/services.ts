/**
 * Integration tests against real services run where the service is
 * configured; elsewhere they are skipped with a printed reason. In CI
 * (DIALWISE_REQUIRE_SERVICES=1) a missing service fails the run instead.
 */
export function requireService(name: string, envVar: string): string | undefined {
  const value = process.env[envVar];
  if (value) return value;
  if (process.env.DIALWISE_REQUIRE_SERVICES === '1') {
    throw new Error(
      `${name} is required here (DIALWISE_REQUIRE_SERVICES=1) but ${envVar} is not set`,
    );
  }
  console.warn(`skipping ${name} tests: ${envVar} is not set (start it with scripts/services)`);
  return undefined;
}
