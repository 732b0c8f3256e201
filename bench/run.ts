/**
 * `npm run bench -- <name>`: runs a benchmark; fees, webhooks, billing and sheets against a real DynamoDB Local
 * started for the run (sheets also against the local Sheets v4 server), bundles against esbuild and fresh node
 * processes. Benchmarks report numbers; only `bundles` asserts something (no full googleapis in any bundle).
 * Available: fees, webhooks, billing, sheets, bundles.
 */
const benches: Record<string, () => Promise<void>> = {
  fees: async () => (await import('./fees.bench')).run(),
  webhooks: async () => (await import('./webhooks.bench')).run(),
  billing: async () => (await import('./billing.bench')).run(),
  sheets: async () => (await import('./sheets.bench')).run(),
  bundles: async () => (await import('./bundles.bench')).run(),
};

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const chosen = names.length > 0 ? names : Object.keys(benches);
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark: ${name} (available: ${Object.keys(benches).join(', ')})`);
    process.exit(2);
  }
  await bench();
}

export {};
