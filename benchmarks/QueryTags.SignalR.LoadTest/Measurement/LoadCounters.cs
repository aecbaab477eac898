namespace QueryTags.SignalR.LoadTest.Measurement;

/// <summary>The live counters of the .NET load clients, shared by every connection; <see cref="Collect"/> reads and resets them.</summary>
internal sealed class LoadCounters
{
    private LatencyHistogram _latency = new();
    private long _deliveries;
    private long _messages;
    private long _bytes;
    private long _errors;
    private long _subscribeCalls;
    private long _reconnects;

    public void Delivered(long latencyMicroseconds)
    {
        Interlocked.Increment(ref _deliveries);
        Volatile.Read(ref _latency).Record(latencyMicroseconds);
    }

    public void MessageReceived() => Interlocked.Increment(ref _messages);

    public void BytesRead(int count) => Interlocked.Add(ref _bytes, count);

    public void Error() => Interlocked.Increment(ref _errors);

    public void SubscribeCallCompleted() => Interlocked.Increment(ref _subscribeCalls);

    public void Reconnected() => Interlocked.Increment(ref _reconnects);

    public ClientWindow Collect() => new(
        Interlocked.Exchange(ref _deliveries, 0),
        Interlocked.Exchange(ref _messages, 0),
        Interlocked.Exchange(ref _bytes, 0),
        Interlocked.Exchange(ref _errors, 0),
        Interlocked.Exchange(ref _subscribeCalls, 0),
        Interlocked.Exchange(ref _reconnects, 0),
        Interlocked.Exchange(ref _latency, new LatencyHistogram()));
}
