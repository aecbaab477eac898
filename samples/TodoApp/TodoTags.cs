using QueryTags.SignalR;

namespace TodoApp;

/// <summary>
/// The tags the todos are known by, on the server and in the SPA's queries (<c>ClientApp/src/appTags.ts</c>): the
/// shared list <c>["todos"]</c> and a shared todo <c>["todo", id]</c>; a user's own list
/// <c>["user", owner, "todos"]</c> and todo <c>["user", owner, "todo", id]</c>, which the hub lets only that user's
/// connections hold.
/// </summary>
public static class TodoTags
{
    /// <summary>The list of <paramref name="owner"/> (null: the shared list).</summary>
    public static Tag List(string? owner) => owner is null ? ["todos"] : ["user", owner, "todos"];

    /// <summary>Todo <paramref name="id"/> of <paramref name="owner"/>'s list (null: the shared list).</summary>
    public static Tag Item(string? owner, int id) => owner is null ? ["todo", id] : ["user", owner, "todo", id];

    /// <summary>
    /// What a change of <paramref name="todo"/> invalidates: its list and itself. EF Core asks with the saved values
    /// and, for a change or a delete, with the values as they were, so a todo that moved to another list would
    /// invalidate both (the API never moves one).
    /// </summary>
    public static IEnumerable<Tag> Of(Todo todo) => [List(todo.Owner), Item(todo.Owner, todo.Id)];

    /// <summary>
    /// The list of <paramref name="owner"/> and every todo in it, by the prefix of their tags (<c>["todo"]</c> covers
    /// <c>["todo", 5]</c>): for a change EF Core does not see, such as a delete of many todos in one statement.
    /// </summary>
    public static Tag[] AllOf(string? owner) => owner is null ? [List(null), ["todo"]] : [List(owner), ["user", owner, "todo"]];
}
