using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>
/// Notes the moment each save committed. Registered before the tag interceptor, so its after-save hook runs first:
/// the interceptor's direct publish, which happens in the same hook, is then part of the measured latency.
/// </summary>
internal sealed class CommitClock(LatencyLedger ledger) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var row in eventData.Context!.ChangeTracker.Entries<BenchRow>())
        {
            ledger.Commit(row.Entity.Slot, now);
        }

        return ValueTask.FromResult(result);
    }
}
