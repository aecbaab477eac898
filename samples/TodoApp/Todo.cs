using System.ComponentModel.DataAnnotations;

namespace TodoApp;

/// <summary>A todo as stored in SQLite and returned by the API.</summary>
public sealed class Todo
{
    /// <summary>The longest title accepted, in characters.</summary>
    public const int TitleMaxLength = 200;

    public int Id { get; set; }

    // SQLite does not enforce the length, so TodoTitle checks it before anything is saved.
    [MaxLength(TitleMaxLength)]
    public required string Title { get; set; }

    public bool Done { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The user whose own list holds the todo (the <c>sub</c> claim), or null for the shared list.</summary>
    public string? Owner { get; set; }
}
