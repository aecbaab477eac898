namespace TodoApp;

/// <summary>The body of <c>POST /api/todos</c>.</summary>
public sealed record CreateTodoRequest(string? Title);
