using System.Threading.Channels;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Wakes a context type's relay when a transaction that wrote an outbox row commits. Wakes that come while it is busy
/// fold into one, which it finds when it is done, so a row committed during a pass is not left for the next poll.
/// </summary>
internal sealed class OutboxWakeup
{
    private readonly Channel<bool> _wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wakes.Writer.TryWrite(true);

    /// <summary>Returns when woken (at once if a wake came since the last wait) or after <paramref name="poll"/>.</summary>
    public async Task WaitAsync(TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_wakes.Reader.TryRead(out _))
        {
            return;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wakes.Reader.WaitToReadAsync(either.Token).AsTask();
        var polled = Task.Delay(poll, time, either.Token);
        await Task.WhenAny(woken, polled).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _wakes.Reader.TryRead(out _);
    }
}
