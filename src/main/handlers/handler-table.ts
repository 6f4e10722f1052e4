/**
 * The one implementation of the contract: a handler per method, whatever the transport.
 *
 * Every area contributes its handlers; the mapped type makes a missing or misspelt method a
 * compile error.
 */
import type { MethodName, ParsedRequestOf, ResponseOf } from '../../shared/contract/contract.js';

type Handler<M extends MethodName> = (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>>;

export type HandlerTable = { readonly [M in MethodName]: Handler<M> };

export type HandlersOf<M extends MethodName> = { readonly [K in M]: Handler<K> };
