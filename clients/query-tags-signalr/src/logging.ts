import { LogLevel, type ILogger } from "@microsoft/signalr";

export const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

export const logError = (logger: ILogger, error: unknown): void => logger.log(LogLevel.Error, `QueryTags: ${toError(error).message}`);

/** Where the client logs when given no logger: warnings and errors to the console. */
export const consoleLogger: ILogger = {
  log(level, message) {
    if (level >= LogLevel.Error && level < LogLevel.None) {
      console.error(message);
    } else if (level === LogLevel.Warning) {
      console.warn(message);
    }
  },
};
