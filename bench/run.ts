/**
 * `npm run bench -- <name>`: runs a benchmark against a real DynamoDB Local started for the run.
 * Benchmarks report numbers; they assert nothing. Available: fees.
 */
const benches: Record<string, () => Promise<void>> = {
  fees: async () => (await import('./fees.bench')).run(),
  webhooks: async () => (await import('./webhooks.bench')).run(),
  billing: async () => (await import('./billing.bench')).run(),
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
