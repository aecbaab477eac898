using System.Diagnostics.CodeAnalysis;

namespace TodoApp;

/// <summary>The rules of a todo's title, checked before anything is written.</summary>
public static class TodoTitle
{
    /// <summary>
    /// Trims <paramref name="title"/> and checks that it is neither blank nor longer than
    /// <see cref="Todo.TitleMaxLength"/>. On failure, <paramref name="errors"/> names the field, for
    /// <c>TypedResults.ValidationProblem</c>.
    /// </summary>
    public static bool TryNormalize(
        string? title,
        out string normalized,
        [NotNullWhen(false)] out Dictionary<string, string[]>? errors)
    {
        normalized = title?.Trim() ?? "";
        var error = normalized.Length switch
        {
            0 => "The title must not be empty.",
            > Todo.TitleMaxLength => $"The title must be at most {Todo.TitleMaxLength} characters long.",
            _ => null,
        };
        errors = error is null ? null : new() { ["title"] = [error] };
        return error is null;
    }
}
