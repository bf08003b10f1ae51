const known = new Map<string, boolean>();

/** Whether `zone` is an IANA time zone this runtime knows, e.g. `Asia/Shanghai`. Answers are remembered. */
export const isTimeZone = (zone: string): boolean => {
  let answer = known.get(zone);
  if (answer === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      answer = zone.length > 0;
    } catch {
      answer = false;
    }
    known.set(zone, answer);
  }
  return answer;
};
