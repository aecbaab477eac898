using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.Tests.Infrastructure;

internal sealed class Todo
{
    public int Id { get; set; }

    public string Title { get; set; } = "";

    public int ListId { get; set; }

    public bool Done { get; set; }
}

/// <summary>A note whose tag function throws for the text <see cref="Throws"/>.</summary>
internal sealed class Note
{
    public const string Throws = "throws";

    public int Id { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>Todos with declared tags (titles are unique, so a duplicate makes SaveChanges throw), and notes.</summary>
internal sealed class TodoDb(DbContextOptions<TodoDb> options) : DbContext(options)
{
    public DbSet<Todo> Todos => Set<Todo>();

    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Todo>(todo =>
        {
            todo.HasIndex(t => t.Title).IsUnique();
            todo.InvalidatesTags(t => [["todos"], ["todo", t.Id], ["list", t.ListId]]);
        });
        modelBuilder.Entity<Note>().InvalidatesTags(n => n.Text == Note.Throws
            ? throw new InvalidOperationException("This note's tags cannot be computed.")
            : [["note", n.Id]]);
    }
}
