import { ANY_STAFF, type Role } from '../core/roles';
import { defineRoutes } from '../core/route';
import { EstateParams } from '../units/units.schema';
import { ReminderSettingsBody, ReminderSettingsView } from './reminders.schema';

/** Who sets the estate's overdue-reminder stages and channels: the service-centre head and the CS lead. */
const SETTERS: readonly Role[] = ['centre_head', 'cs_lead', 'admin'];
const TAG = ['提醒'];

export const reminderSettingsRoutes = defineRoutes({
  getReminderSettings: {
    operationId: 'getReminderSettings',
    method: 'GET',
    path: '/estates/{estateId}/reminder-settings',
    summary: '催缴提醒设置：各提醒阶段（托收前、托收未成功、逾期天数）、提醒渠道、企业微信群机器人（密钥遮蔽）',
    tags: TAG,
    auth: 'staff',
    roles: ANY_STAFF,
    params: EstateParams,
    response: ReminderSettingsView,
    successStatus: 200,
  },
  putReminderSettings: {
    operationId: 'putReminderSettings',
    method: 'PUT',
    path: '/estates/{estateId}/reminder-settings',
    summary: '修改催缴提醒设置（只改所填字段）；下一次提醒任务起生效',
    tags: TAG,
    auth: 'staff',
    roles: SETTERS,
    params: EstateParams,
    body: ReminderSettingsBody,
    response: ReminderSettingsView,
    successStatus: 200,
    idempotent: true,
  },
});
