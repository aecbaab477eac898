using Microsoft.EntityFrameworkCore;

namespace TodoApp;

/// <summary>The todo database.</summary>
public sealed class TodoDbContext(DbContextOptions<TodoDbContext> options) : DbContext(options)
{
    public DbSet<Todo> Todos => Set<Todo>();
}
