/**
 * Imported first by the CLI's session: zod without its just-in-time compiled parsers. Zod compiles
 * a parser for each object schema the first time it parses (`new Function`), which pays off over
 * thousands of parses; the CLI parses each schema once or twice and then exits, so compiling was
 * pure start-up cost. Read when each schema is built, hence before any contract module loads.
 */
import { z } from 'zod';

z.config({ jitless: true });
