'use client';
import { useI18n } from '@okada/i18n';
import Link from 'next/link';

export default function NotFound() {
  const { t } = useI18n();
  return (
    <main className="signin">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <Link href="/orders/" prefetch={false}>{t('notFound.back')}</Link>
    </main>
  );
}
