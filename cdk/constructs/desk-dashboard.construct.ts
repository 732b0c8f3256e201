import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, type IAlarm, type IMetric, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DeskStage, resourceName } from './stage-settings';

export interface DeskDashboardProps {
  stage: DeskStage;
  api: HttpApi;
  /** Every function, by manifest name. */
  functions: ReadonlyMap<string, IFunction>;
  /** Every dead-letter queue, by a label a person recognises. */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  table: ITable;
  alarms: readonly IAlarm[];
}

const PERIOD = Duration.minutes(5);

/**
 * One CloudWatch dashboard per stage (`property-desk-<stage>`), four rows: the API (requests, 4xx, 5xx, latency),
 * the functions (errors, p95 duration), what is stuck (dead-letter queue depths, table throttles) and every
 * alarm's state.
 */
export class DeskDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DeskDashboardProps) {
    super(scope, id);
    const perFunction = (metric: (fn: IFunction) => IMetric) => [...props.functions.values()].map(metric);
    const names = [...props.functions.keys()];

    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: Stats.SUM,
        period: PERIOD,
        label: metricName,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(props.stage, 'dashboard'),
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors (per 5 min)',
        width: 12,
        left: [props.api.metricCount({ period: PERIOD, label: 'requests' })],
        right: [
          props.api.metricClientError({ period: PERIOD, label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, label: '5xx' }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: 12,
        left: [
          props.api.metricLatency({ period: PERIOD, statistic: Stats.percentile(50), label: 'p50' }),
          props.api.metricLatency({ period: PERIOD, statistic: Stats.percentile(95), label: 'p95' }),
          props.api.metricIntegrationLatency({ period: PERIOD, statistic: Stats.percentile(95), label: 'integration p95' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors (per 5 min)',
        width: 12,
        left: perFunction((fn) => fn.metricErrors({ period: PERIOD, statistic: Stats.SUM })).map((metric, index) =>
          (metric as Metric).with({ label: names[index] }),
        ),
      }),
      new GraphWidget({
        title: 'Function duration p95 (ms)',
        width: 12,
        left: perFunction((fn) => fn.metricDuration({ period: PERIOD, statistic: Stats.percentile(95) })).map((metric, index) =>
          (metric as Metric).with({ label: names[index] }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Dead-letter queue depths (messages waiting)',
        width: 12,
        left: [...props.deadLetterQueues].map(([label, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM, label }),
        ),
      }),
      new GraphWidget({
        title: 'Table throttles (per 5 min)',
        width: 12,
        left: [tableMetric('ReadThrottleEvents'), tableMetric('WriteThrottleEvents')],
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: [...props.alarms] }));
  }
}
