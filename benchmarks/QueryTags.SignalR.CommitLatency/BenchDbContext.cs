using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.CommitLatency;

/// <summary>The benchmark's model: rows whose tag is their slot, declared once as an app would.</summary>
public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    public DbSet<BenchRow> Rows => Set<BenchRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<BenchRow>().InvalidatesTags(row => [["bench", row.Slot]]);
}
