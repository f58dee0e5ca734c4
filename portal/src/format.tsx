/** Times are stored in UTC and shown in the viewer's own time zone and locale. */
const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : short.format(date);
}

export function LocalTime({ iso }: { iso: string }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={iso} title={full.format(date)}>
      {short.format(date)}
    </time>
  );
}

export function personName(person: { name: string | null; email: string | null }): string {
  return person.name ?? person.email ?? 'The service desk';
}
