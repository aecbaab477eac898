namespace QueryTags.SignalR.Internal;

/// <summary>
/// Two token buckets of one connection, for its subscribe and unsubscribe calls and for the tags they carry, each
/// refilled at its rate a second up to one second's worth. A call takes its tokens at once, even into debt, and
/// waits until the debt is paid; calls of one connection run one at a time, so the debt is at most one call's.
/// </summary>
/// <remarks>
/// Two numbers and a time stamp kept in the connection's state, rather than a <c>System.Threading.RateLimiting</c>
/// limiter per connection: those carry a lock, a queue and a timer (or need an outside replenisher) each, and an
/// idle server holds many connections.
/// </remarks>
internal struct CallRate
{
    private double _calls;
    private double _tags;
    private long _at;
    private bool _started;

    /// <summary>Takes a call of <paramref name="tags"/> tags at <paramref name="now"/>; how long it must wait first.</summary>
    public TimeSpan Take(int tags, long now, TimeProvider time, int callsPerSecond, int tagsPerSecond)
    {
        if (!_started)
        {
            _started = true;
            _calls = callsPerSecond;
            _tags = tagsPerSecond;
        }
        else
        {
            var seconds = time.GetElapsedTime(_at, now).TotalSeconds;
            _calls = Math.Min(callsPerSecond, _calls + (seconds * callsPerSecond));
            _tags = Math.Min(tagsPerSecond, _tags + (seconds * tagsPerSecond));
        }

        _at = now;
        _calls -= 1;
        _tags -= tags;
        var wait = Math.Max(-_calls / callsPerSecond, -_tags / tagsPerSecond);
        return wait > 0 ? TimeSpan.FromSeconds(wait) : TimeSpan.Zero;
    }
}
