import type { ApolloServerPlugin } from '@apollo/server';
import { negotiateLocale, localizeData, variantOf } from './domain/locale.js';
import { traditionalConverter } from './domain/text.js';
import type { Context } from './context.js';

/**
 * Writes each HTTP response in the caller's locale (domain/locale.ts): `Accept-Language` first, else the principal's
 * `preferredLanguage`, else zh-CN. For zh-HK, zh-MO and zh-TW every Chinese string of `data` is converted once, here,
 * for the whole response (not in resolvers); `Content-Language` names the locale and `Vary: Accept-Language` keeps
 * shared caches from mixing the variants. Registered after the idempotency plugin, which stores the response as
 * executed (Simplified) before this one converts it: a replay is converted for the language of the retry.
 */
export function localePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const acceptLanguage = request.http?.headers.get('accept-language') ?? null;
      return {
        async willSendResponse({ response, contextValue }) {
          const { locale } = negotiateLocale(acceptLanguage, contextValue.principal?.preferredLanguage ?? null);
          response.http.headers.set('content-language', locale);
          const vary = response.http.headers.get('vary');
          if (!vary?.toLowerCase().includes('accept-language')) response.http.headers.set('vary', vary ? `${vary}, Accept-Language` : 'Accept-Language');
          const variant = variantOf(locale);
          if (!variant || response.body.kind !== 'single' || response.body.singleResult.data == null) return;
          const convert = await traditionalConverter(variant);
          // A new result object, not the one other plugins may still read (the idempotency store serializes it).
          response.body.singleResult = { ...response.body.singleResult, data: localizeData(response.body.singleResult.data, convert) };
        },
      };
    },
  };
}
