import type { InputHTMLAttributes, ReactNode } from 'react';

interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  readonly id: string;
  readonly label: string;
  /** Text under the field, read with it by screen readers; omitted when there is none to give. */
  readonly hint?: ReactNode;
  /** `narrow` for short values (a port). */
  readonly width?: 'narrow';
}

/**
 * One labelled input of a form: the label tied to the field, the field named like its id, and the
 * hint (when there is one) tied to it through `aria-describedby`, the same way on every screen.
 */
export function TextField({ id, label, hint, width, ...input }: TextFieldProps) {
  const hintId = `${id}-hint`;
  return (
    <div className={width ? `field ${width}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={id} {...input} {...(hint === undefined ? {} : { 'aria-describedby': hintId })} />
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
