// The publish time in each invalidation and the receive time it is subtracted from: wall-clock microseconds
// since the Unix epoch, as the .NET side writes them (PublishTimestamp.cs). performance.timeOrigin is the wall
// clock at process start with sub-millisecond precision, so server and client processes agree.
export function nowMicroseconds() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
