import { describe, expect, it } from 'vitest';
import { languagePayload, parsePayload, REQUEST_NONE, topicPayload } from '../../src/domain/payloads.js';

describe('button payloads', () => {
  it('reads "none of these" as a request that leads to repair', () => {
    expect(parsePayload(REQUEST_NONE)).toEqual({ kind: 'request', item: 'none' });
  });

  it('reads a language choice only for a language the assistant speaks', () => {
    expect(parsePayload(languagePayload('vi'))).toEqual({ kind: 'language', locale: 'vi' });
    expect(parsePayload('lang:km')).toEqual({ kind: 'language', locale: 'km' });
    expect(parsePayload('lang:fr')).toBeUndefined();
  });

  it('reads the forms and contact follow-up topics', () => {
    expect(parsePayload(topicPayload('forms'))).toEqual({ kind: 'topic', topic: 'forms' });
    expect(parsePayload(topicPayload('contact'))).toEqual({ kind: 'topic', topic: 'contact' });
  });

  it('leaves typed text alone', () => {
    expect(parsePayload('không phải')).toBeUndefined();
    expect(parsePayload('req:nothing')).toBeUndefined();
  });
});
