/** The contract's proxy types, as main uses them. */
import type { z } from 'zod';
import type { passwordKeepingSchema, proxySettingsInputSchema, proxySettingsViewSchema } from '../../../shared/contract/network-contract.js';

export type ProxySettingsInput = z.output<typeof proxySettingsInputSchema>;
export type ProxySettingsView = z.output<typeof proxySettingsViewSchema>;
export type PasswordKeeping = z.output<typeof passwordKeepingSchema>;
