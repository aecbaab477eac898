namespace QueryTags.SignalR.Client.Internal;

/// <summary>
/// Gathers the held tags invalidations match into one report per window: the first of a quiet spell is reported at
/// once, what arrives during the window once at its end (which opens the next window), so a burst of D reports at
/// most D / window + 2 times and its last change is always reported. The TypeScript adapter paces refetches the same
/// way (<c>coalesceWindowMs</c>).
/// </summary>
internal sealed class InvalidationCoalescer : IDisposable
{
    private readonly TimeSpan _window;
    private readonly Action<IReadOnlyList<Tag>, IReadOnlyList<string>> _report;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tag> _pendingTags = new(StringComparer.Ordinal);
    private readonly List<string> _pendingIds = [];
    private readonly HashSet<string> _pendingIdSet = new(StringComparer.Ordinal);
    private bool _windowOpen;

    /// <param name="window">The shortest time between two reports.</param>
    /// <param name="time">The clock of the window.</param>
    /// <param name="report">Called with the matched tags (each once) and the invalidation ids, outside any lock.</param>
    public InvalidationCoalescer(TimeSpan window, TimeProvider time, Action<IReadOnlyList<Tag>, IReadOnlyList<string>> report)
    {
        _window = window;
        _report = report;
        _timer = time.CreateTimer(_ => OnWindowEnd(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Adds the held tags <paramref name="id"/> matched.</summary>
    public void Add(string id, IReadOnlyList<Tag> matched)
    {
        lock (_gate)
        {
            if (_windowOpen)
            {
                Pend(id, matched);
                return;
            }

            OpenWindow();
        }

        _report(matched, [id]);
    }

    public void Dispose() => _timer.Dispose();

    private void OnWindowEnd()
    {
        Tag[] tags;
        string[] ids;
        lock (_gate)
        {
            _windowOpen = false;
            if (_pendingIds.Count == 0)
            {
                return;
            }

            tags = [.. _pendingTags.Values];
            ids = [.. _pendingIds];
            _pendingTags.Clear();
            _pendingIds.Clear();
            _pendingIdSet.Clear();
            OpenWindow();
        }

        _report(tags, ids);
    }

    private void OpenWindow()
    {
        _windowOpen = true;
        _timer.Change(_window, Timeout.InfiniteTimeSpan);
    }

    private void Pend(string id, IReadOnlyList<Tag> matched)
    {
        if (_pendingIdSet.Add(id))
        {
            _pendingIds.Add(id);
        }

        foreach (var tag in matched)
        {
            _pendingTags.TryAdd(tag.Canonical, tag);
        }
    }
}
