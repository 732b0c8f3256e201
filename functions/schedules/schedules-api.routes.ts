import { defineRoutes } from '../core/route';
import { debitRoutes } from './debit.routes';
import { reminderSettingsRoutes } from './reminders.routes';

/** The schedules' staff API: the direct-debit batch (银行托收) and the reminder settings (催缴提醒设置). */
export const schedulesApiRoutes = defineRoutes({ ...debitRoutes, ...reminderSettingsRoutes });
