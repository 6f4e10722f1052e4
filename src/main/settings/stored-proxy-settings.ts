/**
 * The manual proxy as written in `settings.json`: the password only as the OS encrypted it.
 */
import { z } from 'zod';

export const storedProxySettingsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  username: z.string().nullable(),
  /** Base64 of the password encrypted by the host's `SecretCipher`; null when not kept on disk. */
  encryptedPassword: z.string().nullable(),
});

export type StoredProxySettings = z.infer<typeof storedProxySettingsSchema>;
