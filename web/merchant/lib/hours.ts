// Opening hours as the settings form edits them: per day (Monday first) closed, or one or two ranges (a split
// day with a lunch break). The API allows up to three; a third range the form cannot show is kept as it was.
import type { components } from '@okada/api-client';

export type OpeningHours = components['schemas']['OpeningHours'];
type Range = { open: string; close: string };

export interface DayForm {
  closed: boolean;
  open1: string;
  close1: string;
  open2: string;
  close2: string;
  extra: Range[];
}

export function toForm(hours: OpeningHours): DayForm[] {
  return Array.from({ length: 7 }, (_, i) => {
    const day = (hours[i] ?? null) as Range[] | null;
    if (!day || day.length === 0) return { closed: true, open1: '08:00', close1: '20:00', open2: '', close2: '', extra: [] };
    return {
      closed: false,
      open1: day[0]!.open,
      close1: day[0]!.close,
      open2: day[1]?.open ?? '',
      close2: day[1]?.close ?? '',
      extra: day.slice(2),
    };
  });
}

export function fromForm(days: DayForm[]): OpeningHours {
  return days.map((d) => {
    if (d.closed) return null;
    const ranges: Range[] = [{ open: d.open1, close: d.close1 }];
    if (d.open2 && d.close2) ranges.push({ open: d.open2, close: d.close2 });
    return [...ranges, ...d.extra];
  }) as OpeningHours;
}

/** Index of the first day whose ranges are out of order (close before open, overlapping), or -1. */
export function firstBadDay(days: DayForm[]): number {
  return days.findIndex((d) => {
    if (d.closed) return false;
    const ranges = fromForm([d])[0] as Range[];
    let last = '';
    for (const r of ranges) {
      if (!(r.open < r.close) || r.open < last) return true;
      last = r.close;
    }
    return false;
  });
}
