using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The single-node invalidation log. Its epoch is new on every start, so cursors from before a restart get a
/// reset. Memory is bounded by the retention window and <see cref="TagInvalidationOptions.LogCapacity"/>.
/// </summary>
internal sealed class InMemoryInvalidationLog : IInvalidationLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSequenceByTag = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _entries = new();
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
        Epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    }

    public string Epoch { get; }

    public ValueTask<InvalidationCursor> AppendAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
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

            _entries.Enqueue(new Entry(sequence, now, canonicals));
            Forget(now);
            return ValueTask.FromResult(new InvalidationCursor(Epoch, sequence));
        }
    }

    public ValueTask<LogReplay> ReplayAsync(IReadOnlyList<Tag> held, InvalidationCursor? since, TimeSpan? age, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Forget(now);
            var current = new InvalidationCursor(Epoch, _sequence);
            if (age is { } window)
            {
                // The last invalidation older than the window is where the answer starts. With none kept, only a
                // log that never forgot anything can answer: a forgotten one might lie inside the window.
                var start = _entries.LastOrDefault(entry => _time.GetElapsedTime(entry.Timestamp, now) >= window);
                if (start.Sequence == 0 && _forgottenThrough > 0)
                {
                    return ValueTask.FromResult(new LogReplay(current, true, []));
                }

                since = new InvalidationCursor(Epoch, Math.Max(start.Sequence, _forgottenThrough));
            }

            if (since is not { } cursor)
            {
                return ValueTask.FromResult(new LogReplay(current, false, []));
            }

            if (cursor.Epoch != Epoch || cursor.Sequence > _sequence || cursor.Sequence < _forgottenThrough)
            {
                return ValueTask.FromResult(new LogReplay(current, true, []));
            }

            var missed = new List<Tag>();
            foreach (var tag in held)
            {
                // An invalidation of any prefix of the held tag (the tag itself included) matches it.
                for (var length = 1; length <= tag.Count; length++)
                {
                    if (_lastSequenceByTag.TryGetValue(tag.PrefixCanonical(length), out var last) && last > cursor.Sequence)
                    {
                        missed.Add(tag);
                        break;
                    }
                }
            }

            return ValueTask.FromResult(new LogReplay(current, false, missed));
        }
    }

    private void Forget(long now)
    {
        while (_entries.TryPeek(out var oldest)
            && (_entries.Count > _capacity || _time.GetElapsedTime(oldest.Timestamp, now) > _retention))
        {
            _entries.Dequeue();
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
    }

    private readonly record struct Entry(long Sequence, long Timestamp, string[] Canonicals);
}
