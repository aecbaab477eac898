using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace TodoApp;

/// <summary>
/// The todo API: the shared list under <c>/api/todos</c>, and each signed-in user's own list under
/// <c>/api/me/todos</c>. Both work alike on their own todos and never see the other's. The endpoints only save:
/// each save publishes the tags of the todos it touched once it is committed (<see cref="TodoDbContext"/>), so the
/// clients that refetch read the new data. The one change EF Core does not see, clearing the done todos in one
/// statement, declares its tags on the endpoint (<c>.InvalidatesTags</c>). The GETs are output-cached under the same tags, which every invalidation
/// evicts before clients hear of it (<c>AddOutputCacheEviction()</c> in Program.cs): the shared list's entries serve
/// everyone, signed in or not, and a user's own list is cached per user (<see cref="TodoCachePolicy"/>).
/// </summary>
/// <remarks>
/// Changes ignore the request's cancellation: once a write starts, the write and its invalidation finish even
/// if the caller goes away, because other clients still need to hear about it.
/// </remarks>
public static class TodoEndpoints
{
    /// <summary>Maps the shared list, open to everyone: the todos without an owner.</summary>
    /// <returns>The route group, for conventions such as <c>.RequireAuthorization()</c>.</returns>
    public static RouteGroupBuilder MapTodoApi(this IEndpointRouteBuilder endpoints) =>
        MapTodoList(
            endpoints.MapGroup("/api/todos"),
            "GetTodo",
            _ => new TodoList(Owner: null),
            cacheList: policy => policy.InvalidatedByTags(TodoTags.List(null)),
            cacheTodo: policy => policy.InvalidatedByTags((int id) => [TodoTags.Item(null, id)]));

    /// <summary>
    /// Maps the signed-in user's own list: 401 without a session, and another user's todo is a 404, as if it
    /// did not exist.
    /// </summary>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapMyTodoApi(this IEndpointRouteBuilder endpoints)
    {
        var mine = endpoints.MapGroup("/api/me/todos").RequireAuthorization(policy => policy.RequireClaim(SampleUsers.SubjectClaim));
        return MapTodoList(
            mine,
            "GetMyTodo",
            user => new TodoList(OwnerOf(user)),
            cacheList: policy => PerUser(policy).InvalidatedByTags(context => [TodoTags.List(OwnerOf(context.User))]),
            cacheTodo: policy => PerUser(policy).InvalidatedByTags(context => [TodoTags.Item(OwnerOf(context.User), RouteId(context))]));

        // Each user's own entries: the user's name is part of the cache key.
        static OutputCachePolicyBuilder PerUser(OutputCachePolicyBuilder policy) => policy.VaryByValue(context => new("user", OwnerOf(context.User)));

        static string OwnerOf(ClaimsPrincipal user) =>
            SampleUsers.NameOf(user) ?? throw new InvalidOperationException("The authorization policy lets only users with a 'sub' claim in.");
    }

    private static RouteGroupBuilder MapTodoList(
        RouteGroupBuilder todos,
        string getRouteName,
        Func<ClaimsPrincipal, TodoList> listOf,
        Action<OutputCachePolicyBuilder> cacheList,
        Action<OutputCachePolicyBuilder> cacheTodo)
    {
        todos.MapGet("/", (ClaimsPrincipal user, TodoDbContext db, CancellationToken cancellationToken) =>
            ListAsync(listOf(user), db, cancellationToken)).CachedWith(cacheList);
        todos.MapGet("/{id:int}", (int id, ClaimsPrincipal user, TodoDbContext db, CancellationToken cancellationToken) =>
            GetAsync(listOf(user), id, db, cancellationToken)).WithName(getRouteName).CachedWith(cacheTodo);
        todos.MapPost("/", (CreateTodoRequest request, ClaimsPrincipal user, TodoDbContext db) =>
            CreateAsync(listOf(user), getRouteName, request, db));
        todos.MapPatch("/{id:int}", (int id, UpdateTodoRequest request, ClaimsPrincipal user, TodoDbContext db) =>
            UpdateAsync(listOf(user), id, request, db));
        todos.MapDelete("/{id:int}", (int id, ClaimsPrincipal user, TodoDbContext db) =>
            DeleteAsync(listOf(user), id, db));
        // One statement deletes every done todo of the list: EF Core sees no entity, so the endpoint declares what it
        // invalidates, published after a 2xx (and named in the response's QueryTags-Invalidation-* headers).
        todos.MapDelete("/done", (ClaimsPrincipal user, TodoDbContext db) => ClearDoneAsync(listOf(user), db))
            .InvalidatesTags(context => TodoTags.AllOf(listOf(context.User).Owner));
        return todos;
    }

    /// <summary>
    /// Output-caches a GET with <see cref="TodoCachePolicy"/> in place of the default policy, and what
    /// <paramref name="configure"/> adds: the tags whose invalidation evicts the entry, and for a user's own list
    /// the user as part of the key.
    /// </summary>
    private static RouteHandlerBuilder CachedWith(this RouteHandlerBuilder endpoint, Action<OutputCachePolicyBuilder> configure) =>
        endpoint.CacheOutput(policy => configure(policy.AddPolicy<TodoCachePolicy>()), excludeDefaultPolicy: true);

    private static async Task<Ok<List<Todo>>> ListAsync(TodoList list, TodoDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await list.In(db).AsNoTracking().OrderBy(todo => todo.Id).ToListAsync(cancellationToken));

    private static async Task<Results<Ok<Todo>, NotFound>> GetAsync(TodoList list, int id, TodoDbContext db, CancellationToken cancellationToken) =>
        await list.In(db).AsNoTracking().FirstOrDefaultAsync(todo => todo.Id == id, cancellationToken) is { } todo
            ? TypedResults.Ok(todo)
            : TypedResults.NotFound();

    private static async Task<Results<CreatedAtRoute<Todo>, ValidationProblem>> CreateAsync(
        TodoList list, string getRouteName, CreateTodoRequest request, TodoDbContext db)
    {
        if (!TodoTitle.TryNormalize(request.Title, out var title, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var todo = new Todo { Title = title, UpdatedAt = DateTimeOffset.UtcNow, Owner = list.Owner };
        db.Todos.Add(todo);
        await db.SaveChangesAsync();
        return TypedResults.CreatedAtRoute(todo, getRouteName, new { id = todo.Id });
    }

    private static async Task<Results<Ok<Todo>, NotFound, ValidationProblem>> UpdateAsync(TodoList list, int id, UpdateTodoRequest request, TodoDbContext db)
    {
        string? newTitle = null;
        if (request.Title is not null && !TodoTitle.TryNormalize(request.Title, out newTitle, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await list.In(db).FirstOrDefaultAsync(todo => todo.Id == id) is not { } todo)
        {
            return TypedResults.NotFound();
        }

        todo.Title = newTitle ?? todo.Title;
        todo.Done = request.Done ?? todo.Done;
        todo.UpdatedAt = DateTimeOffset.UtcNow;
        return await TrySaveAsync(db) ? TypedResults.Ok(todo) : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(TodoList list, int id, TodoDbContext db)
    {
        // Loaded and removed rather than ExecuteDelete: EF Core sees the delete, and publishes the todo's tags.
        if (await list.In(db).FirstOrDefaultAsync(todo => todo.Id == id) is not { } todo)
        {
            return TypedResults.NotFound();
        }

        db.Todos.Remove(todo);
        return await TrySaveAsync(db) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Ok<ClearedTodos>> ClearDoneAsync(TodoList list, TodoDbContext db) =>
        TypedResults.Ok(new ClearedTodos(await list.In(db).Where(todo => todo.Done).ExecuteDeleteAsync()));

    /// <summary>
    /// Saves a change to or the delete of a todo read earlier in the request, and answers false when that todo was
    /// deleted in between (by a DELETE that raced this request): the row is gone, which the client is told as 404.
    /// </summary>
    private static async Task<bool> TrySaveAsync(TodoDbContext db)
    {
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // EF Core updates and deletes by key alone (Todo has no concurrency token), so no row matched: the todo
            // is gone. Nothing was saved, and nothing is published.
            return false;
        }
    }

    /// <summary>The todo id of a request routed to <c>/{id:int}</c>, read as the route constraint reads it (a sign is allowed).</summary>
    private static int RouteId(HttpContext context) =>
        int.Parse((string)context.GetRouteValue("id")!, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>One list: the shared one (no owner) or a user's own.</summary>
    private sealed record TodoList(string? Owner)
    {
        /// <summary>The list's todos; a todo of any other list is not there at all.</summary>
        public IQueryable<Todo> In(TodoDbContext db) => Owner is null
            ? db.Todos.Where(todo => todo.Owner == null)
            : db.Todos.Where(todo => todo.Owner == Owner);
    }
}
