using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using QueryTags.SignalR;

namespace TodoApp;

/// <summary>
/// The todo API under <c>/api/todos</c>. Every change is saved first and then invalidates its tags, so the
/// clients that refetch read the new data.
/// </summary>
/// <remarks>
/// Changes ignore the request's cancellation: once a write starts, the write and its invalidation finish even
/// if the caller goes away, because other clients still need to hear about it.
/// </remarks>
public static class TodoEndpoints
{
    private const string GetTodoRouteName = "GetTodo";

    /// <summary>Maps the todo API.</summary>
    /// <returns>The route group, for conventions such as <c>.RequireAuthorization()</c>.</returns>
    public static RouteGroupBuilder MapTodoApi(this IEndpointRouteBuilder endpoints)
    {
        var todos = endpoints.MapGroup("/api/todos");
        todos.MapGet("/", ListAsync);
        todos.MapGet("/{id:int}", GetAsync).WithName(GetTodoRouteName);
        todos.MapPost("/", CreateAsync);
        todos.MapPatch("/{id:int}", UpdateAsync);
        todos.MapDelete("/{id:int}", DeleteAsync);
        return todos;
    }

    private static async Task<Ok<List<Todo>>> ListAsync(TodoDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Todos.AsNoTracking().OrderBy(todo => todo.Id).ToListAsync(cancellationToken));

    private static async Task<Results<Ok<Todo>, NotFound>> GetAsync(int id, TodoDbContext db, CancellationToken cancellationToken) =>
        await db.Todos.FindAsync([id], cancellationToken) is { } todo ? TypedResults.Ok(todo) : TypedResults.NotFound();

    private static async Task<Results<CreatedAtRoute<Todo>, ValidationProblem>> CreateAsync(
        CreateTodoRequest request, TodoDbContext db, ITagInvalidator invalidator, ILogger<Todo> logger)
    {
        if (!TodoTitle.TryNormalize(request.Title, out var title, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var todo = new Todo { Title = title, UpdatedAt = DateTimeOffset.UtcNow };
        db.Todos.Add(todo);
        await db.SaveChangesAsync();
        await InvalidateAsync(invalidator, logger, todo.Id);
        return TypedResults.CreatedAtRoute(todo, GetTodoRouteName, new { id = todo.Id });
    }

    private static async Task<Results<Ok<Todo>, NotFound, ValidationProblem>> UpdateAsync(
        int id, UpdateTodoRequest request, TodoDbContext db, ITagInvalidator invalidator, ILogger<Todo> logger)
    {
        string? newTitle = null;
        if (request.Title is not null && !TodoTitle.TryNormalize(request.Title, out newTitle, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await db.Todos.FindAsync(id) is not { } todo)
        {
            return TypedResults.NotFound();
        }

        todo.Title = newTitle ?? todo.Title;
        todo.Done = request.Done ?? todo.Done;
        todo.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        await InvalidateAsync(invalidator, logger, id);
        return TypedResults.Ok(todo);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(int id, TodoDbContext db, ITagInvalidator invalidator, ILogger<Todo> logger)
    {
        if (await db.Todos.Where(todo => todo.Id == id).ExecuteDeleteAsync() == 0)
        {
            return TypedResults.NotFound();
        }

        await InvalidateAsync(invalidator, logger, id);
        return TypedResults.NoContent();
    }

    // ["todos"] refetches every todo list; ["todo", id] refetches that todo and anything keyed under it.
    private static async Task InvalidateAsync(ITagInvalidator invalidator, ILogger logger, int id)
    {
        try
        {
            await invalidator.InvalidateTagsAsync([["todos"], ["todo", id]]);
        }
        catch (InvalidationLogUnavailableException ex)
        {
            // The change is saved. While Redis is down no node can tell its clients, and once Redis is back every
            // node resets its clients, which refetch everything: so the write succeeds and the gap is logged.
            logger.LogWarning(ex, "Todo {Id} was saved but its invalidation could not be published; clients refetch when Redis is back.", id);
        }
    }
}
