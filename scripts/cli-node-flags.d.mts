/** The Node options the `rinnovo-cns` command starts with (its shebang's). */
export function cliNodeFlags(): string[];
