import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A screen's title. It takes the focus when the screen appears, so keyboard and screen-reader
 * users start from the top of what changed instead of a button that no longer exists.
 */
export function ScreenHeading({ children, id }: { readonly children: ReactNode; readonly id: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [id]);
  return (
    <h2 id={id} ref={ref} tabIndex={-1} className="screen-heading">
      {children}
    </h2>
  );
}
