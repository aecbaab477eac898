using System.Threading.Channels;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>Collects the events a client raises so a test can await them in order.</summary>
public sealed class EventRecorder<T>
{
    private readonly Channel<T> _events = Channel.CreateUnbounded<T>();

    public void Record(object? sender, T args) => _events.Writer.TryWrite(args);

    public async Task<T> NextAsync() => await _events.Reader.ReadAsync().AsTask().Within();

    public bool HasPending => _events.Reader.TryPeek(out _);
}
