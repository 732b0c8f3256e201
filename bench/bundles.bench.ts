import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../cdk/constructs/desk-function.construct';
import { manifest } from '../functions/manifest';
import { percentile } from './support';

/**
 * Lambda bundles: every manifest entry bundled the way the stack's NodejsFunction bundles it (esbuild, ESM,
 * node22, minified, linked source map in its own file, the `require` banner, the AWS SDK bundled as the stack's
 * `bundleAwsSDK: true` does), then each bundle's size and its cold import time: a fresh `node` process that
 * loads the bundle, against `node -e ''` in the same rounds, median of BENCH_RUNS (default 7) runs each.
 * Target: import ≤ 2× the bare process. Asserted here (exit code 1): no bundle contains the full `googleapis`
 * package (the sheet sync uses `@googleapis/sheets` only). `BENCH_BUNDLE_SDK=0` leaves `@aws-sdk/*` external (loaded
 * from node_modules, as the runtime's copy would be), for comparison.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUNDLE_SDK = process.env.BENCH_BUNDLE_SDK !== '0';
const TARGET_RATIO = 2;
const PROJECT_ROOT = resolve(import.meta.dirname, '..');

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  mapBytes: number;
  fullGoogleapis: boolean;
  googleapisSheets: boolean;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** Wall time of one fresh node process, in ms. */
const timeNode = (args: string[]): number => {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      // What the handlers read at module scope in Lambda; nothing here makes a network call at import.
      TABLE_NAME: 'bench-bundles',
      STAGE: 'bench',
      AWS_REGION: 'cn-north-1',
    },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
  return ms;
};

const bundle = async (outDir: string, name: string, entry: string): Promise<Bundle> => {
  const file = join(outDir, name, 'index.mjs');
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: 'linked',
    external: BUNDLE_SDK ? [] : ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs);
  return {
    name,
    file,
    bytes: statSync(file).size,
    mapBytes: statSync(`${file}.map`).size,
    fullGoogleapis: inputs.some((input) => /(^|\/)node_modules\/googleapis\//.test(input)),
    googleapisSheets: inputs.some((input) => input.includes('node_modules/@googleapis/sheets/')),
  };
};

export const run = async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  // The bundles import `@aws-sdk/*` at run time, as in Lambda: resolve it from the project's node_modules.
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  try {
    const started = performance.now();
    const bundles: Bundle[] = [];
    for (const fn of manifest) bundles.push(await bundle(outDir, fn.name, fn.entry));
    console.log(
      `bundled ${bundles.length} functions in ${((performance.now() - started) / 1000).toFixed(1)} s (esbuild, esm, node22, minified, ${
        BUNDLE_SDK ? '@aws-sdk bundled, as deployed' : '@aws-sdk external (comparison)'
      })`,
    );

    // Rounds interleave the baseline with every bundle, so a busy moment on the machine hits all of them alike.
    const baseline: number[] = [];
    const plain = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    const withMaps = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
    timeNode(['-e', '']); // warm the file cache once
    for (let round = 0; round < RUNS; round += 1) {
      baseline.push(timeNode(['-e', '']));
      for (const b of bundles) {
        plain.get(b.name)?.push(timeNode([b.file]));
        // Lambda runs the functions with NODE_OPTIONS=--enable-source-maps.
        withMaps.get(b.name)?.push(timeNode(['--enable-source-maps', b.file]));
      }
    }
    const base = median(baseline);

    const rows = bundles.map((b) => {
      const importMs = median(plain.get(b.name) ?? []);
      const mapsMs = median(withMaps.get(b.name) ?? []);
      return {
        function: b.name,
        bundle: kb(b.bytes),
        'source map': kb(b.mapBytes),
        'import ms': importMs.toFixed(1),
        ratio: (importMs / base).toFixed(2),
        'with --enable-source-maps ms': mapsMs.toFixed(1),
        'ratio (maps)': (mapsMs / base).toFixed(2),
        [`≤ ${TARGET_RATIO}×`]: importMs / base <= TARGET_RATIO ? 'yes' : 'NO',
        googleapis: b.fullGoogleapis ? 'FULL PACKAGE' : b.googleapisSheets ? '@googleapis/sheets' : '-',
      };
    });
    console.log(`node -e '' (same rounds): median ${base.toFixed(1)} ms over ${RUNS} runs; node ${process.version}`);
    console.table(rows);

    const total = bundles.reduce((sum, b) => sum + b.bytes, 0);
    console.log(
      `total ${kb(total)} across ${bundles.length} bundles; largest ${[...bundles].sort((a, b) => b.bytes - a.bytes)[0]?.name}`,
    );
    console.log(
      JSON.stringify({
        bench: 'bundles',
        runs: RUNS,
        awsSdk: BUNDLE_SDK ? 'bundled' : 'external',
        baselineMs: Number(base.toFixed(1)),
        bundles: rows.map((row) => ({
          name: row.function,
          bundle: row.bundle,
          importMs: Number(row['import ms']),
          ratio: Number(row.ratio),
        })),
      }),
    );

    const offending = bundles.filter((b) => b.fullGoogleapis).map((b) => b.name);
    if (offending.length > 0) {
      console.error(`FAIL: the full googleapis package is bundled into ${offending.join(', ')} (use @googleapis/sheets)`);
      process.exitCode = 1;
    } else {
      console.log('OK: no bundle contains the full googleapis package');
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};
