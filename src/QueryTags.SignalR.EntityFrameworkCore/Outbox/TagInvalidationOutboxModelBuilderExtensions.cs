using QueryTags.SignalR.EntityFrameworkCore.Internal;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds the tag invalidation outbox table to a model.</summary>
public static class TagInvalidationOutboxModelBuilderExtensions
{
    /// <summary>
    /// Adds the outbox table to the model, so migrations and <c>EnsureCreated</c> create it: one row per committed
    /// transaction whose saves changed tagged entities, written inside that transaction, deleted once the relay
    /// published it. Its columns: <c>Id</c> (store-generated, the publishing order), <c>InvalidationId</c>,
    /// <c>Tags</c> (JSON), <c>CreatedAt</c>, and <c>Error</c> (why a row was set aside; null while it waits). The
    /// relay is <c>AddTagInvalidation().AddEntityFrameworkCoreOutbox&lt;TContext&gt;()</c>; without it, saves
    /// publish directly and the table stays empty.
    /// </summary>
    /// <param name="modelBuilder">The model builder, in <c>OnModelCreating</c>.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="schema">The table's schema; the model's default when null.</param>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder AddTagInvalidationOutbox(this ModelBuilder modelBuilder, string table = "TagInvalidationOutbox", string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        modelBuilder.Entity<OutboxInvalidation>(row =>
        {
            row.ToTable(table, schema);
            row.HasKey(r => r.Id);
            row.Property(r => r.Id).ValueGeneratedOnAdd();
            row.Property(r => r.InvalidationId).HasMaxLength(128).IsUnicode(false);
            row.Property(r => r.Tags);
            row.Property(r => r.CreatedAt);
            row.Property(r => r.Error);

            // Its rows are never tags of their own, even under UseTagInvalidationConvention (a relay's delete would
            // write a row for the rows it deleted). Like every declaration, not at design time.
            if (!EF.IsDesignTime)
            {
                row.HasAnnotation(EntityTags.DeclaredAnnotation, EntityTags.None);
            }
        });
        return modelBuilder;
    }
}
