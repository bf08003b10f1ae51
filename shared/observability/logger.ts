import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/**
 * Powertools' logger, which writes INFO and DEBUG lines to stdout as Lambda expects. A CLI
 * process prints its report on stdout, so there every line must go to stderr instead:
 * Powertools has no option for the stream, hence the override of its one printing method.
 */
class HeraldLogger extends Logger {
  // Not a #private field: Powertools may print buffered lines from inside its constructor,
  // before a subclass's private fields exist.
  private logsToStderr?: boolean;

  /** Sends every log line, whatever its level, to stderr from now on. */
  writeToStderr(): void {
    this.logsToStderr = true;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.logsToStderr) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    process.stderr.write(`${JSON.stringify(log.getAttributes(), this.getJsonReplacer())}\n`);
  }
}

/**
 * The one structured logger. Log ids and counts, never device tokens, endpoint ARNs' tokens or
 * message bodies: logs are not a place for personal data.
 */
export const logger = new HeraldLogger({ serviceName: 'herald' });
