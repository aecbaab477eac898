using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The single-node invalidation log. Its epoch is new on every start, so cursors from before a restart get a
/// reset. Memory is bounded by the retention window and <see cref="TagInvalidationOptions.LogCapacity"/>.
/// </summary>
internal sealed class InMemoryInvalidationLog : InvalidationLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSequenceByTag = new(StringComparer.Ordinal);

    // Kept entries, oldest first, from _oldest on: a list with a moving head rather than a queue, so an age can
    // find its start by binary search (entries are in time order) instead of a scan under the lock.
    private readonly List<Entry> _entries = [];
    private int _oldest;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly int _capacity;
    private long _sequence;

    // Invalidations up to this sequence have been forgotten: a cursor before it cannot be answered exactly.
    private long _forgottenThrough;

    public InMemoryInvalidationLog(IOptions<TagInvalidationOptions> options, TimeProvider time)
    {
        _time = time;
        _retention = options.Value.RetentionWindow;
        _capacity = options.Value.LogCapacity;
        Epoch = NewEpoch();
    }

    public string Epoch { get; }

    public override ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
    {
        var canonicals = new string[tags.Count];
        for (var i = 0; i < canonicals.Length; i++)
        {
            canonicals[i] = tags[i].Canonical;
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var sequence = ++_sequence;
            foreach (var canonical in canonicals)
            {
                _lastSequenceByTag[canonical] = sequence;
            }

            _entries.Add(new Entry(sequence, now, canonicals));
            Forget(now);
            return ValueTask.FromResult(new InvalidationCursor(Epoch, sequence));
        }
    }

    protected override ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, TimeSpan? age, CancellationToken cancellationToken)
    {
        var lastInvalidated = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Forget(now);
            foreach (var prefix in prefixes)
            {
                if (_lastSequenceByTag.TryGetValue(prefix, out var last))
                {
                    lastInvalidated[prefix] = last;
                }
            }

            long? ageStart = age is { } window && LastOlderThan(window, now) is { Sequence: > 0 } start ? start.Sequence : null;
            return ValueTask.FromResult(new InvalidationLogState(new InvalidationCursor(Epoch, _sequence), _forgottenThrough, ageStart, lastInvalidated));
        }
    }

    /// <summary>The newest kept entry at least <paramref name="window"/> old, or the default entry when none is.</summary>
    private Entry LastOlderThan(TimeSpan window, long now)
    {
        int low = _oldest, high = _entries.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_time.GetElapsedTime(_entries[middle].Timestamp, now) >= window)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low > _oldest ? _entries[low - 1] : default;
    }

    private void Forget(long now)
    {
        while (_oldest < _entries.Count
            && (_entries.Count - _oldest > _capacity || _time.GetElapsedTime(_entries[_oldest].Timestamp, now) > _retention))
        {
            var oldest = _entries[_oldest++];
            foreach (var canonical in oldest.Canonicals)
            {
                // A later invalidation of the same tag keeps its entry.
                if (_lastSequenceByTag.TryGetValue(canonical, out var last) && last == oldest.Sequence)
                {
                    _lastSequenceByTag.Remove(canonical);
                }
            }

            _forgottenThrough = oldest.Sequence;
        }

        // Drop the forgotten head once it is most of the list: amortized, each entry is moved at most once more.
        if (_oldest > 0 && _oldest >= _entries.Count / 2)
        {
            _entries.RemoveRange(0, _oldest);
            _oldest = 0;
        }
    }

    private readonly record struct Entry(long Sequence, long Timestamp, string[] Canonicals);
}
