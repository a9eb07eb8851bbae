'use client';
import { useI18n } from '@okada/i18n';
import { Button } from '@okada/ui';

/** A dialog form's buttons: submit (busy while saving) and cancel. */
export function DialogActions({
  close,
  busy,
  submit,
  variant = 'primary',
}: {
  close: () => void;
  busy: boolean;
  submit: string;
  variant?: 'primary' | 'danger';
}) {
  const { t } = useI18n();
  return (
    <div className="row-actions">
      <Button type="submit" variant={variant} busy={busy}>
        {submit}
      </Button>
      <Button variant="secondary" onClick={close}>
        {t('common.cancel')}
      </Button>
    </div>
  );
}
