import { describe, expect, it } from 'vitest';
import { checkJava, JavaMissingError } from '../../cdk/local/dynamo-local';

describe('dynamo-local', () => {
  it('names the package to install when java is missing', () => {
    // Prepare
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      // Act
      const attempt = () => checkJava();
      // Assess
      expect(attempt).toThrow(JavaMissingError);
      expect(attempt).toThrow(/openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('accepts the java on this machine', () => {
    expect(() => checkJava()).not.toThrow();
  });
});
