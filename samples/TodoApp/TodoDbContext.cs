using Microsoft.EntityFrameworkCore;

namespace TodoApp;

/// <summary>
/// The todo database. Every save that adds, changes or deletes todos publishes one invalidation of their tags once
/// it is committed (<c>UseTagInvalidation</c> in Program.cs): the endpoints invalidate nothing themselves.
/// </summary>
public sealed class TodoDbContext(DbContextOptions<TodoDbContext> options) : DbContext(options)
{
    public DbSet<Todo> Todos => Set<Todo>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Todo>().InvalidatesTags(TodoTags.Of);
}
