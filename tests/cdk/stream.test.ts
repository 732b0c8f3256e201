import { beforeAll, describe, expect, it } from 'vitest';
import { STREAM_SETTINGS } from '../../cdk/constructs/table-stream-trigger.construct';
import { manifest } from '../../functions/manifest';
import { logicalIdOfFunction, queueAlarms, type Synthesised, synthesise, tableLogicalId } from './support';

const streamed = manifest.filter((fn) => fn.stream);

describe('table stream triggers', () => {
  let dev: Synthesised;
  const mappingOf = (name: string) => {
    const fnId = logicalIdOfFunction(dev.template, 'dev', name);
    const mappings = Object.values(
      dev.template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId } } }),
    );
    if (mappings.length !== 1) throw new Error(`expected one event source mapping for ${name}, found ${mappings.length}`);
    return mappings[0]?.Properties;
  };

  beforeAll(() => {
    dev = synthesise('dev');
  });

  it('declares at least one stream-triggered function (the outbox relay)', () => {
    // Prepare + Act
    const names = streamed.map((fn) => fn.name);
    // Assess
    expect(names).toContain('outbox-relay');
  });

  it('maps the table stream to no function whose manifest entry has no stream trigger', () => {
    // Prepare
    const expected = streamed.map((fn) => ({ Ref: logicalIdOfFunction(dev.template, 'dev', fn.name) }));
    // Act
    const mapped = Object.values(dev.template.findResources('AWS::Lambda::EventSourceMapping')).map(
      (mapping) => mapping.Properties.FunctionName,
    );
    // Assess
    expect(mapped).toEqual(expected);
  });

  it.each(streamed.map((fn) => fn.name))("reads %s's records from the table stream", (name) => {
    // Prepare + Act
    const mapping = mappingOf(name);
    // Assess
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableLogicalId(dev), 'StreamArn'] });
  });

  it.each(streamed)('lets through to $name only new outbox entries of the topics its entry lists', (definition) => {
    // Prepare
    const expected = {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { pk: { S: ['OUTBOX'] }, topic: { S: [...(definition.stream?.topics ?? [])] } } },
    };
    // Act
    const patterns = (mappingOf(definition.name).FilterCriteria.Filters as Array<{ Pattern: string }>).map((filter) =>
      JSON.parse(filter.Pattern),
    );
    // Assess
    expect(patterns).toEqual([expected]);
  });

  it.each(streamed.map((fn) => fn.name))('retries %s in small bisected batches and reports items one by one', (name) => {
    // Prepare + Act
    const mapping = mappingOf(name);
    // Assess
    expect({
      BatchSize: mapping.BatchSize,
      BisectBatchOnFunctionError: mapping.BisectBatchOnFunctionError,
      MaximumRetryAttempts: mapping.MaximumRetryAttempts,
      FunctionResponseTypes: mapping.FunctionResponseTypes,
      StartingPosition: mapping.StartingPosition,
    }).toEqual({
      BatchSize: STREAM_SETTINGS.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_SETTINGS.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'LATEST',
    });
  });

  it.each(streamed.map((fn) => fn.name))('sends the batches %s still fails to an SQS on-failure queue', (name) => {
    // Prepare
    const destination = mappingOf(name).DestinationConfig.OnFailure.Destination;
    // Act
    const queueId = destination['Fn::GetAtt'][0] as string;
    // Assess
    expect(dev.template.toJSON().Resources[queueId]?.Type).toBe('AWS::SQS::Queue');
  });

  it.each(streamed.map((fn) => fn.name))('alarms when the on-failure queue of %s holds a message', (name) => {
    // Prepare
    const queueId = mappingOf(name).DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0] as string;
    // Act
    const alarms = queueAlarms(dev.template, queueId);
    // Assess
    expect(alarms).toHaveLength(1);
  });
});
