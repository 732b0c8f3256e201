import { describe, expect, it } from 'vitest';
import { areaTimesRate, fenToCapitals, fenToYuanText, formatFen, parseYuan } from '../../functions/core/money';

describe('money', () => {
  it('writes the seed amount 671.25 yuan in capitals as on the receipt', () => {
    // Prepare
    const fen = 67125;
    // Act
    const capitals = fenToCapitals(fen);
    // Assess
    expect(capitals).toBe('人民币陆佰柒拾壹元贰角伍分');
  });

  it('ends whole-yuan amounts with 整 and handles zeros inside the number', () => {
    expect(fenToCapitals(100000)).toBe('人民币壹仟元整');
    expect(fenToCapitals(1000)).toBe('人民币壹拾元整');
    expect(fenToCapitals(100005)).toBe('人民币壹仟元零伍分');
    expect(fenToCapitals(5)).toBe('人民币伍分');
    expect(fenToCapitals(0)).toBe('人民币零元整');
    expect(fenToCapitals(123456)).toBe('人民币壹仟贰佰叁拾肆元伍角陆分');
  });

  it('refuses a fractional fen amount when writing capitals', () => {
    expect(() => fenToCapitals(12.5)).toThrow(TypeError);
  });

  it('formats fen as yuan with grouping and two decimals', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(-500)).toBe('-¥5.00');
    expect(formatFen(7)).toBe('¥0.07');
    expect(fenToYuanText(67125)).toBe('671.25');
  });

  it('parses yuan text exactly and rejects more than two decimals', () => {
    expect(parseYuan('671.25')).toBe(67125);
    expect(parseYuan('¥1,000')).toBe(100000);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('-3.5')).toBe(-350);
    expect(parseYuan('1.005')).toBeUndefined();
    expect(parseYuan('abc')).toBeUndefined();
  });

  it('multiplies area by rate to the fen, rounding half up', () => {
    // 89.50 ㎡ × 2.50 yuan = 223.75 yuan a month; 3 months = 671.25 yuan
    expect(areaTimesRate(8950, 250)).toBe(22375);
    expect(areaTimesRate(8950, 250) * 3).toBe(67125);
    // 100.01 ㎡ × 1.85 yuan = 185.0185 → 185.02
    expect(areaTimesRate(10001, 185)).toBe(18502);
    // 0.5 fen rounds up: 0.10 ㎡ × 0.05 yuan = 0.005 → 0.01
    expect(areaTimesRate(10, 5)).toBe(1);
  });
});
