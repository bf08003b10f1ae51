import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

const correlation = new AsyncLocalStorage<string>();

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

  /**
   * Runs `work` with `correlationId` (the event id a message carries) on every line it logs,
   * as `correlation_id`, as Powertools' `setCorrelationId` names it. A scope rather than
   * appended keys: a batch's records run concurrently, and each keeps its own id.
   *
   * @example
   * await logger.withCorrelationId(task.event.id, () => fanOutSlice(task, deps));
   */
  withCorrelationId<T>(correlationId: string, work: () => Promise<T>): Promise<T> {
    return correlation.run(correlationId, work);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    const correlationId = correlation.getStore();
    if (correlationId !== undefined) log.addAttributes({ correlation_id: correlationId });
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
