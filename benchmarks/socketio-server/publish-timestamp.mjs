// The publish time in each invalidation and the receive time it is subtracted from: microseconds of the
// machine's monotonic clock, as the .NET side writes them (PublishTimestamp.cs). process.hrtime reads
// CLOCK_MONOTONIC, one clock for every process of the machine (time since boot), which .NET's Stopwatch reads too;
// unlike the system clock it does not move when the time is set.
export function nowMicroseconds() {
  return Number(process.hrtime.bigint() / 1000n);
}
