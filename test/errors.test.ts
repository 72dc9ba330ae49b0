import { errorFromCode, ExtractionError, GatewayError, InvalidRequestError, UnsupportedTypeError, type ErrorCode } from '../src/errors/index.js';
import { STATUS_BY_CODE } from '../src/http/error-status.js';
import { errorBody } from '../src/http/views.js';

const CODES = Object.keys(STATUS_BY_CODE) as ErrorCode[];

describe('errorFromCode', () => {
  it.each(CODES)('rebuilds %s as its own class with its code, message and extra', (code) => {
    const error = errorFromCode(code, 'what happened', { detail: 1 });
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code, message: 'what happened', extra: { detail: 1 } });
    expect(error.name).toBe(error.constructor.name);
    if (code !== 'INTERNAL') expect(error.constructor).not.toBe(GatewayError);
    expect(errorBody(STATUS_BY_CODE[code], error)).toEqual({ httpCode: STATUS_BY_CODE[code], internalCode: code, details: 'what happened', detail: 1 });
  });

  it('gives each code the class that raises it', () => {
    expect(errorFromCode('CORRUPT', 'm')).toBeInstanceOf(ExtractionError);
    expect(errorFromCode('EXTRACTION_FAILED', 'm')).toBeInstanceOf(ExtractionError);
    expect(errorFromCode('INVALID_TEXT', 'm')).toBeInstanceOf(InvalidRequestError);
    expect(errorFromCode('UNSUPPORTED_TYPE', 'm', { supportedTypes: ['pdf'] })).toBeInstanceOf(UnsupportedTypeError);
    expect(errorFromCode('INTERNAL', 'm').constructor).toBe(GatewayError);
  });
});
