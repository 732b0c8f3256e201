import { beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../functions/manifest';
import { queueAlarms, type Synthesised, synthesise } from './support';

/** The dashboard body is a Fn::Join of strings and tokens; its literal parts are enough to find metric names. */
const dashboardText = (synthesised: Synthesised): string => {
  const [dashboard] = Object.values(synthesised.template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard?.Properties.DashboardBody;
  return JSON.stringify(body);
};

describe('monitoring', () => {
  let dev: Synthesised;

  beforeAll(() => {
    dev = synthesise('dev');
  });

  describe('dead-letter queues', () => {
    it('has a dead-letter queue for every asynchronous path: each function, each scheduled function, each stream trigger', () => {
      // Prepare
      const scheduled = manifest.filter((fn) => fn.schedules?.length).length;
      const streamed = manifest.filter((fn) => fn.stream).length;
      // Act
      const queues = Object.keys(dev.template.findResources('AWS::SQS::Queue'));
      // Assess
      expect(queues).toHaveLength(manifest.length + scheduled + streamed);
    });

    it('alarms on every SQS queue of the stack (every one is a dead-letter queue)', () => {
      // Prepare
      const queueIds = Object.keys(dev.template.findResources('AWS::SQS::Queue'));
      // Act
      const withoutOneAlarm = queueIds.filter((queueId) => queueAlarms(dev.template, queueId).length !== 1);
      // Assess
      expect(withoutOneAlarm).toEqual([]);
    });

    it('encrypts every dead-letter queue', () => {
      // Prepare + Act
      const unencrypted = Object.entries(dev.template.findResources('AWS::SQS::Queue'))
        .filter(([, queue]) => queue.Properties?.SqsManagedSseEnabled !== true)
        .map(([id]) => id);
      // Assess
      expect(unencrypted).toEqual([]);
    });

    it('keeps dead letters for 14 days', () => {
      // Prepare + Act
      const retention = new Set(
        Object.values(dev.template.findResources('AWS::SQS::Queue')).map((queue) => queue.Properties.MessageRetentionPeriod),
      );
      // Assess
      expect([...retention]).toEqual([14 * 24 * 3600]);
    });

    it('gives every schedule a dead-letter queue and a retry policy', () => {
      // Prepare + Act
      const missing = Object.entries(dev.template.findResources('AWS::Scheduler::Schedule'))
        .filter(([, schedule]) => !schedule.Properties.Target.DeadLetterConfig?.Arn || !schedule.Properties.Target.RetryPolicy)
        .map(([id]) => id);
      // Assess
      expect(missing).toEqual([]);
    });
  });

  describe('dashboard', () => {
    it('creates one dashboard named after the stage', () => {
      // Prepare + Act
      const dashboards = Object.values(dev.template.findResources('AWS::CloudWatch::Dashboard'));
      // Assess
      expect(dashboards.map((dashboard) => dashboard.Properties.DashboardName)).toEqual(['property-desk-dev-dashboard']);
    });

    it.each([
      ['API 4xx', '"4xx"'],
      ['API 5xx', '"5xx"'],
      ['API latency', '"Latency"'],
      ['function errors', '"Errors"'],
      ['function duration', '"Duration"'],
      ['dead-letter queue depth', '"ApproximateNumberOfMessagesVisible"'],
      ['table read throttles', '"ReadThrottleEvents"'],
      ['table write throttles', '"WriteThrottleEvents"'],
    ])('graphs %s', (_, metric) => {
      // Prepare + Act
      const text = dashboardText(dev);
      // Assess
      expect(text).toContain(metric.replaceAll('"', '\\"'));
    });

    it.each(manifest.map((fn) => fn.name))('labels the lines of %s with its manifest name', (name) => {
      // Prepare + Act
      const text = dashboardText(dev);
      // Assess
      expect(text).toContain(`\\"label\\":\\"${name}\\"`);
    });

    it('outputs the dashboard name', () => {
      // Prepare + Act
      const outputs = dev.template.findOutputs('DashboardName');
      // Assess
      expect(Object.keys(outputs)).toEqual(['DashboardName']);
    });
  });
});
