using System.Diagnostics;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>
/// Pairs each commit with the invalidation that reports it, per slot and in order (one slot's transactions commit
/// one after another, and one tag's invalidations arrive in log order), and keeps the time between the two.
/// </summary>
internal sealed class LatencyLedger(int slots)
{
    private readonly Queue<long>[] _commits = [.. Enumerable.Range(0, slots).Select(_ => new Queue<long>())];
    private readonly Queue<long>[] _early = [.. Enumerable.Range(0, slots).Select(_ => new Queue<long>())];
    private readonly List<double> _milliseconds = [];
    private int _committed;

    public int Committed => Volatile.Read(ref _committed);

    public int Received
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    public void Commit(int slot, long timestamp)
    {
        Interlocked.Increment(ref _committed);
        lock (_commits[slot])
        {
            // A capture that published before the writer's own after-save hook ran: the delay is under a tick of it.
            if (_early[slot].TryDequeue(out var received))
            {
                Note(received, timestamp);
                return;
            }

            _commits[slot].Enqueue(timestamp);
        }
    }

    public void Receive(int slot, long timestamp)
    {
        lock (_commits[slot])
        {
            if (_commits[slot].TryDequeue(out var committed))
            {
                Note(committed, timestamp);
            }
            else
            {
                _early[slot].Enqueue(timestamp);
            }
        }
    }

    /// <summary>The latencies noted after the first <paramref name="warmUp"/>, in milliseconds, sorted.</summary>
    public double[] Latencies(int warmUp)
    {
        lock (_milliseconds)
        {
            return [.. _milliseconds.Skip(warmUp).Order()];
        }
    }

    private void Note(long committed, long received)
    {
        var milliseconds = Math.Max(0, Stopwatch.GetElapsedTime(committed, received).TotalMilliseconds);
        lock (_milliseconds)
        {
            _milliseconds.Add(milliseconds);
        }
    }
}
