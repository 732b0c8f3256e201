import { AlreadyExistsError, BusinessRuleError, NotFoundError } from '../core/errors';

export const estateNotFound = (estateId: string) =>
  new NotFoundError('ESTATE_NOT_FOUND', `小区 ${estateId} 不存在`, { estateId });
export const estateExists = (estateId: string) =>
  new AlreadyExistsError('ESTATE_EXISTS', `小区编码 ${estateId} 已存在`, { estateId });
export const buildingExists = (estateId: string, code: string) =>
  new AlreadyExistsError('BUILDING_EXISTS', `楼栋 ${code} 已存在`, { estateId, buildingCode: code });
export const unknownBuilding = (estateId: string, code: string) =>
  new BusinessRuleError('UNKNOWN_BUILDING', `楼栋 ${code} 不存在，请先在小区 ${estateId} 中登记该楼栋`, {
    estateId,
    buildingCode: code,
  });
export const unitNotFound = (estateId: string, code: string) =>
  new NotFoundError('UNIT_NOT_FOUND', `房号 ${code} 不存在`, { estateId, unitCode: code });
export const unitExists = (estateId: string, code: string) =>
  new AlreadyExistsError('UNIT_EXISTS', `房号 ${code} 已存在`, { estateId, unitCode: code });
export const buildingNotFound = (estateId: string, code: string) =>
  new NotFoundError('BUILDING_NOT_FOUND', `楼栋 ${code} 不存在`, { estateId, buildingCode: code });
