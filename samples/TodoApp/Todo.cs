using System.ComponentModel.DataAnnotations;

namespace TodoApp;

/// <summary>A todo as stored in SQLite and returned by the API.</summary>
public sealed class Todo
{
    public int Id { get; set; }

    // In UTF-16 code units, as EF Core counts a string's length. SQLite does not enforce it: TodoTitle checks it,
    // and the limit a person sees (200 characters), before anything is saved.
    [MaxLength(TodoTitle.MaxStoredLength)]
    public required string Title { get; set; }

    public bool Done { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The user whose own list holds the todo (the <c>sub</c> claim), or null for the shared list.</summary>
    public string? Owner { get; set; }
}
