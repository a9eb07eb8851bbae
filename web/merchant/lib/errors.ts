import { ApiError, NETWORK_ERROR } from '@okada/api-client';
import { useI18n } from '@okada/i18n';
import { useCallback } from 'react';

/** What to tell the user about a failed call: the server's translated problem title, never raw JSON. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  return useCallback(
    (error: unknown) => {
      if (error instanceof ApiError) {
        if (error.title) return error.title;
        if (error.code === NETWORK_ERROR) return t('error.network');
      }
      return t('error.unexpected');
    },
    [t],
  );
}
