/**
 * A catalogue sentence with a link where it says `{link}`: the words stay in the catalogue, the
 * address comes from the configuration. The link opens a new window: in the browser a new tab,
 * in the app the default browser (main allows only the configured hosts).
 */
export function TextWithLink({ text, href, label }: { readonly text: string; readonly href: string; readonly label?: string }) {
  const [before, after = ''] = text.split('{link}');
  return (
    <>
      {before}
      <a href={href} target="_blank" rel="noopener noreferrer">
        {label ?? new URL(href).host}
      </a>
      {after}
    </>
  );
}
