using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>The benchmark's model: rows whose tag is their slot, declared once as an app would.</summary>
public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    public DbSet<BenchRow> Rows => Set<BenchRow>();

    // The outbox's table is in every path's model, as an app that can switch paths would have it; only the outbox
    // path writes to it.
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.AddTagInvalidationOutbox().Entity<BenchRow>().InvalidatesTags(row => [["bench", row.Slot]]);
}
