import { parseArgs } from 'node:util';
import { isRole, ROLE_NAMES, type Role } from '../../functions/core/roles';
import { issueToken, loadOrCreateLocalKeys } from './local-auth';

/** `npm run token -- --role cashier --name 张三 [--role front_desk] [--hours 12]`: prints a local staff JWT. */
const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    name: { type: 'string' },
    sub: { type: 'string' },
    hours: { type: 'string', default: '12' },
  },
});
const roles = values.role ?? [];
const bad = roles.filter((role) => !isRole(role));
if (roles.length === 0 || bad.length > 0 || !values.name) {
  console.error(
    `用法: npm run token -- --role <岗位> --name <姓名>\n岗位: ${ROLE_NAMES.join(', ')}${bad.length ? `\n未知岗位: ${bad.join(', ')}` : ''}`,
  );
  process.exit(2);
}
const keys = await loadOrCreateLocalKeys(process.env.DATA_DIR ?? '.data');
console.log(
  await issueToken(keys, {
    roles: roles as Role[],
    name: values.name,
    ...(values.sub ? { sub: values.sub } : {}),
    ttlSeconds: Number(values.hours) * 3600,
  }),
);
