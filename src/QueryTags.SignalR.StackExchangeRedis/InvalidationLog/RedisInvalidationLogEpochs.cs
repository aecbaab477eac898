namespace QueryTags.SignalR.StackExchangeRedis.Internal;

/// <summary>
/// The epochs the Redis log has seen. A new one means the log lost its past (Redis lost its data, or someone
/// flushed it), so invalidations may have gone unlogged and their server-cache entries unevicted: whoever watches
/// (<see cref="RedisOutageMonitor"/>) evicts and resets this node's clients, as after an outage. It depends on
/// nothing, so the log can report here without a cycle through the hub context.
/// </summary>
internal sealed class RedisLogEpochs
{
    private readonly Lock _gate = new();
    private string? _current;
    private Action<string>? _lost;

    /// <summary>
    /// Records the epoch a script answered. <paramref name="started"/> says the script itself began it; an epoch
    /// that differs from the last one seen was begun by another node's script. Either is a loss only once this node
    /// has seen an epoch: the first epoch a node sees is where it starts (a Redis that lost its data while no node
    /// ran answers old cursors with a reset by the cursor rules, and had no node's connections to reset).
    /// </summary>
    public void Seen(string epoch, bool started)
    {
        Action<string>? lost = null;
        lock (_gate)
        {
            if (_current is not null && (started || _current != epoch))
            {
                lost = _lost;
            }

            _current = epoch;
        }

        lost?.Invoke(epoch);
    }

    /// <summary>Calls <paramref name="lost"/> with every new epoch seen from now on.</summary>
    public void Observe(Action<string> lost)
    {
        lock (_gate)
        {
            _lost += lost;
        }
    }
}
