using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The single-node invalidation log. Its epoch is new on every start, so cursors from before a restart get a
/// reset. Memory is bounded by the retention window and <see cref="TagInvalidationOptions.LogCapacity"/>.
/// </summary>
/// <remarks>
/// Its clock is the wall clock at start plus the monotonic time since, in microseconds: an epoch lives as long as the
/// process, so its sequences never meet another process's, and setting the system clock cannot move them back.
/// </remarks>
internal sealed class InMemoryInvalidationLog : InvalidationLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSequenceByTag = new(StringComparer.Ordinal);

    // Kept entries, oldest first, from _oldest on: a list with a moving head rather than a queue, so the forgotten
    // head is dropped in bulk.
    private readonly List<Entry> _entries = [];
    private int _oldest;
    private readonly TimeProvider _time;
    private readonly long _startMicroseconds;
    private readonly long _startTimestamp;
    private readonly long _retentionMicroseconds;
    private readonly int _capacity;

    // The highest sequence issued, to an append or as a read's position: every later append goes past it.
    private long _sequence;

    // Invalidations up to this sequence have been forgotten early (past the capacity): a cursor before it cannot be
    // answered exactly.
    private long _forgottenThrough;

    public InMemoryInvalidationLog(IOptions<TagInvalidationOptions> options, TimeProvider time)
    {
        _time = time;
        _startMicroseconds = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _startTimestamp = time.GetTimestamp();
        _retentionMicroseconds = CursorAnswer.Microseconds(options.Value.RetentionWindow);
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
            var now = Now();
            var sequence = _sequence = Math.Max(_sequence + 1, now);
            foreach (var canonical in canonicals)
            {
                _lastSequenceByTag[canonical] = sequence;
            }

            _entries.Add(new Entry(sequence, canonicals));
            Forget(now);
            return ValueTask.FromResult(new InvalidationCursor(Epoch, sequence));
        }
    }

    protected override ValueTask<InvalidationLogState> ReadAsync(IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        var lastInvalidated = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_gate)
        {
            var now = Now();
            Forget(now);
            foreach (var prefix in prefixes)
            {
                if (_lastSequenceByTag.TryGetValue(prefix, out var last))
                {
                    lastInvalidated[prefix] = last;
                }
            }

            _sequence = Math.Max(_sequence, now);
            var answerableFrom = Math.Max(now - _retentionMicroseconds, _forgottenThrough);
            return ValueTask.FromResult(new InvalidationLogState(new InvalidationCursor(Epoch, _sequence), answerableFrom, lastInvalidated));
        }
    }

    private long Now() => _startMicroseconds + CursorAnswer.Microseconds(_time.GetElapsedTime(_startTimestamp));

    private void Forget(long now)
    {
        var horizon = now - _retentionMicroseconds;
        while (_oldest < _entries.Count && (_entries.Count - _oldest > _capacity || _entries[_oldest].Sequence < horizon))
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

            // Past the horizon an entry is forgotten on time, which every answer already allows for; past the
            // capacity it is forgotten early.
            if (oldest.Sequence >= horizon)
            {
                _forgottenThrough = oldest.Sequence;
            }
        }

        // Drop the forgotten head once it is most of the list: amortized, each entry is moved at most once more.
        if (_oldest > 0 && _oldest >= _entries.Count / 2)
        {
            _entries.RemoveRange(0, _oldest);
            _oldest = 0;
        }
    }

    private readonly record struct Entry(long Sequence, string[] Canonicals);
}
