using Microsoft.EntityFrameworkCore;

namespace TodoApp;

/// <summary>
/// The todo database. Every save that adds, changes or deletes todos publishes one invalidation of their tags once
/// it is committed (<c>UseTagInvalidation</c> in Program.cs): the endpoints invalidate nothing themselves. The
/// invalidation is written to the outbox table in the save's own transaction, and the outbox relay publishes it
/// (<c>AddEntityFrameworkCoreOutbox</c> in Program.cs), so a crash right after the commit loses no invalidation.
/// </summary>
public sealed class TodoDbContext(DbContextOptions<TodoDbContext> options) : DbContext(options)
{
    /// <summary>The outbox's table, which TodoDatabase adds to a file from before it.</summary>
    public const string OutboxTable = "TagInvalidationOutbox";

    public DbSet<Todo> Todos => Set<Todo>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Todo>().InvalidatesTags(TodoTags.Of);
        modelBuilder.AddTagInvalidationOutbox(OutboxTable);
    }
}
