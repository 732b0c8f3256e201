import { allSchedules } from '../../functions/manifest';
import { issueToken, loadOrCreateLocalKeys } from './local-auth';

/**
 * `npm run schedule -- <schedule-id> [action]`: asks the running local target to run a schedule now
 * (`npm run sheets:setup` / `sheets:rebuild` are `schedule -- sheet-sync setup|rebuild`).
 */
const id = process.argv[2];
const action = process.argv[3];
const ids = allSchedules().map(({ schedule }) => schedule.id);
if (!id || !ids.includes(id)) {
  console.error(`用法: npm run schedule -- <定时任务>\n定时任务: ${ids.join(', ')}`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const keys = await loadOrCreateLocalKeys(process.env.DATA_DIR ?? '.data');
const token = await issueToken(keys, { roles: ['admin'], name: 'schedule-cli', ttlSeconds: 300 });
try {
  const response = await fetch(
    `http://127.0.0.1:${port}/_local/schedules/${encodeURIComponent(id)}${action ? `?action=${encodeURIComponent(action)}` : ''}`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    },
  );
  console.log(response.status, await response.text());
  process.exit(response.ok ? 0 : 1);
} catch {
  console.error(`无法连接本地服务 http://127.0.0.1:${port}，请先运行 npm start`);
  process.exit(1);
}
