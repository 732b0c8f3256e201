import { allRoutes, manifest } from '../../functions/manifest';
import { JavaMissingError } from './dynamo-local';
import { startLocalTarget } from './local-target';

/** `npm start`: the whole service on this machine. PORT (3000) and DATA_DIR (.data/) configure it. */
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data';
// The handlers find their local files under it (e.g. the debit batch file in DATA_DIR/debit/); Lambda has none.
process.env.DATA_DIR = dataDir;
const log = (line: string) => console.log(`[${new Date().toISOString()}] ${line}`);

try {
  const target = await startLocalTarget({ port, dataDir, log });
  log(`物业前台本地服务已启动: ${target.url}  (数据目录 ${dataDir}, DynamoDB Local ${target.dynamoEndpoint})`);
  log(`${allRoutes().length} routes; try: curl ${target.url}/health`);
  log('令牌: npm run token -- --role front_desk --name 张三    手动运行定时任务: npm run schedule -- calendar-coverage');
  for (const next of target.scheduler.next()) log(`schedule ${next.id} next at ${next.at}`);
  // DynamoDB Local's stream is not wired to anything: stream-triggered functions (the SNS outbox relay) run in AWS only.
  for (const fn of manifest.filter((entry) => entry.stream)) log(`${fn.name}: AWS only (table stream trigger), not run locally`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    await target.stop();
    log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
