namespace TodoApp;

/// <summary>The answer of <c>DELETE /api/todos/done</c>: how many done todos were deleted.</summary>
public sealed record ClearedTodos(int Deleted);
