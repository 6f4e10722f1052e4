import type { ChangeEvent, FormEvent } from 'react';

type Field = HTMLInputElement;

/**
 * Props that make the browser's own form check speak the holder's language.
 *
 * Chromium words its validation bubbles in its own UI language, not the page's: without this a
 * holder who chose Italian would read "Please fill out this field". The message is cleared as
 * soon as the field changes, so the browser checks it afresh.
 */
export function validityMessage(message: string, onChange: (event: ChangeEvent<Field>) => void) {
  return {
    onInvalid: (event: FormEvent<Field>) => event.currentTarget.setCustomValidity(message),
    onChange: (event: ChangeEvent<Field>) => {
      event.currentTarget.setCustomValidity('');
      onChange(event);
    },
  };
}
