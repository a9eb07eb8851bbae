// Form controls that always carry a visible label tied to the input, an error announced to screen readers,
// and a focus ring: the merchant platform is used on shop tablets, with a keyboard or a finger.
import {
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export function Button({
  variant = 'primary',
  busy = false,
  className,
  children,
  disabled,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button
      type={type}
      className={`ok-btn ok-btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {children}
    </button>
  );
}

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: string;
}

function describedBy(id: string, error?: string | null, hint?: string) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldText({ id, error, hint }: { id: string; error?: string | null; hint?: string }) {
  return (
    <>
      {hint ? (
        <span id={`${id}-hint`} className="ok-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="ok-field-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** The attributes that tie an input to its label, hint and error. */
interface Wiring {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled field around any input: the label, then the input `render` builds with `Wiring`, then hint and error. */
export function Field({
  label,
  error,
  hint,
  id,
  className,
  render,
}: FieldProps & { id?: string; className?: string; render: (wiring: Wiring) => ReactNode }) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className={`ok-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={fieldId}>{label}</label>
      {render({ id: fieldId, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy(fieldId, error, hint) })}
      <FieldText id={fieldId} error={error} hint={hint} />
    </div>
  );
}

export function TextField({ label, error, hint, id, className, ...rest }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <Field label={label} error={error} hint={hint} id={id} className={className} render={(w) => <input {...w} {...rest} />} />;
}

export function TextArea({ label, error, hint, id, ...rest }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Field label={label} error={error} hint={hint} id={id} render={(w) => <textarea {...w} {...rest} />} />;
}

export function SelectField({
  label,
  error,
  hint,
  id,
  options,
  ...rest
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  return (
    <Field
      label={label}
      error={error}
      hint={hint}
      id={id}
      render={(w) => (
        <select {...w} {...rest}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function Checkbox({ label, id, ...rest }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <div className="ok-check">
      <input id={fieldId} type="checkbox" {...rest} />
      <label htmlFor={fieldId}>{label}</label>
    </div>
  );
}

export function Alert({ tone = 'error', children }: { tone?: 'error' | 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`ok-alert ok-alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info'; children: ReactNode }) {
  return <span className={`ok-badge ok-badge-${tone}`}>{children}</span>;
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`ok-card${className ? ` ${className}` : ''}`}>
      {title || actions ? (
        <header className="ok-card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function Stat({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="ok-stat">
      <span className="ok-stat-label">{label}</span>
      <strong className="ok-stat-value">{value}</strong>
      {note ? <span className="ok-stat-note">{note}</span> : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span className="ok-spinner" role="status">
      <span className="ok-visually-hidden">{label}</span>
    </span>
  );
}

/**
 * A modal dialog (the native <dialog>: focus is trapped and Escape closes it) opened when mounted. `children` gets
 * `close`, which closes it and then calls `onClose` (so a parent can unmount it).
 */
export function Dialog({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: (close: () => void) => ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const close = () => ref.current?.close();
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={titleId} className={wide ? 'ok-dialog-wide' : undefined}>
      <h2 id={titleId}>{title}</h2>
      {children(close)}
    </dialog>
  );
}
