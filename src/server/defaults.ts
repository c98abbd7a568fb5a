/** The server's defaults, one definition each (the CLI's option defaults read them). */
export const SERVER_DEFAULTS = {
  charLimit: 100_000,
  maxQueue: 64,
  requestTimeoutMs: 300_000,
} as const;
