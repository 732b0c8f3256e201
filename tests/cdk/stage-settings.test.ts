import { describe, expect, it } from 'vitest';
import { parseStage } from '../../cdk/constructs/stage-settings';

describe('parseStage', () => {
  it('defaults to dev when no stage is given', () => {
    // Prepare
    const context: unknown = undefined;
    // Act
    const stage = parseStage(context);
    // Assess
    expect(stage).toBe('dev');
  });

  it.each(['dev', 'prod'])('accepts %s', (value) => {
    // Prepare + Act
    const stage = parseStage(value);
    // Assess
    expect(stage).toBe(value);
  });

  it.each(['staging', 'Prod', '', 42])('refuses %j with a message naming the allowed stages', (value) => {
    // Prepare + Act
    const parse = () => parseStage(value);
    // Assess
    expect(parse).toThrow(/-c stage=dev or -c stage=prod/);
  });
});
