/**
 * The languages the assistant speaks with citizens: Vietnamese (complete), and Khmer and English for
 * the fixed texts (menu, help, errors, ticket confirmation). Every conversation carries one.
 */
export type Locale = 'vi' | 'km' | 'en';

export const LOCALES: readonly Locale[] = ['vi', 'km', 'en'];

export const DEFAULT_LOCALE: Locale = 'vi';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
