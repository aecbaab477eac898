namespace TodoApp;

/// <summary>The body of <c>PATCH /api/todos/{id}</c>; a member left out (or null) is left unchanged.</summary>
public sealed record UpdateTodoRequest(string? Title, bool? Done);
