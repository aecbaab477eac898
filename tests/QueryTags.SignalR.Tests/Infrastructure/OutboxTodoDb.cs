using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>Todos with declared tags (titles are unique, so a duplicate makes SaveChanges throw), and the outbox table.</summary>
internal sealed class OutboxTodoDb(DbContextOptions<OutboxTodoDb> options) : DbContext(options)
{
    public DbSet<Todo> Todos => Set<Todo>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Todo>(todo =>
        {
            todo.HasIndex(t => t.Title).IsUnique();
            todo.InvalidatesTags(t => [["todos"], ["todo", t.Id], ["list", t.ListId]]);
        });
        modelBuilder.AddTagInvalidationOutbox();
    }
}
