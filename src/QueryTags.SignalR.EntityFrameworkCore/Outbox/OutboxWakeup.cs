using System.Collections.Concurrent;
using System.Threading.Channels;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// What a context type's relay is told by this node's commits: the ids of rows published right after their commit
/// (to delete), and that a publish failed (so it publishes what waits). Wakes that come while it is busy fold into
/// one, which it finds when it is done.
/// </summary>
internal sealed class OutboxWakeup
{
    private readonly Channel<bool> _wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<string> _published = new();
    private int _publishWaiting;

    /// <summary>The row of <paramref name="invalidationId"/> was published: the relay deletes it.</summary>
    public void Published(string invalidationId)
    {
        _published.Enqueue(invalidationId);
        _wakes.Writer.TryWrite(true);
    }

    /// <summary>A row could not be published after its commit: the relay publishes the waiting rows.</summary>
    public void PublishWaiting()
    {
        Volatile.Write(ref _publishWaiting, 1);
        _wakes.Writer.TryWrite(true);
    }

    /// <summary>Whether <see cref="PublishWaiting"/> was called since the last time this was asked.</summary>
    public bool TakePublishWaiting() => Interlocked.Exchange(ref _publishWaiting, 0) == 1;

    /// <summary>Takes up to <paramref name="count"/> ids of published rows.</summary>
    public List<string> TakePublished(int count)
    {
        List<string> ids = [];
        while (ids.Count < count && _published.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Gives back ids whose delete failed, for the next pass.</summary>
    public void ReturnPublished(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            _published.Enqueue(id);
        }
    }

    /// <summary>Returns true when <paramref name="poll"/> passed, false when woken first (at once if a wake came since the last wait).</summary>
    public async Task<bool> WaitAsync(TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_wakes.Reader.TryRead(out _))
        {
            return false;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wakes.Reader.WaitToReadAsync(either.Token).AsTask();
        var polled = Task.Delay(poll, time, either.Token);
        var first = await Task.WhenAny(woken, polled).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _wakes.Reader.TryRead(out _);
        return first == polled;
    }
}
