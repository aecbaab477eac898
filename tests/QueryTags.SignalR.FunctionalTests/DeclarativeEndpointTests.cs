using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// <c>.InvalidatesTags(...)</c> on a minimal-API endpoint and on a route group, and <c>[InvalidatesTags]</c> on an MVC
/// controller, on real Kestrel: after a 2xx the tags computed from the route are published and the response carries
/// the invalidation's id and cursor; a 4xx, a 5xx or an exception publishes nothing.
/// </summary>
public sealed class DeclarativeEndpointTests(DeclarativeEndpointTests.App app) : IClassFixture<DeclarativeEndpointTests.App>
{
    public static TheoryData<string, string, HttpStatusCode> Successes => new()
    {
        { "minimal", "ok", HttpStatusCode.OK },
        { "minimal", "created", HttpStatusCode.Created },
        { "minimal", "empty", HttpStatusCode.NoContent },
        { "group", "ok", HttpStatusCode.OK },
        { "group", "empty", HttpStatusCode.NoContent },
        { "mvc", "ok", HttpStatusCode.OK },
        { "mvc", "created", HttpStatusCode.Created },
        { "mvc", "empty", HttpStatusCode.NoContent },
    };

    public static TheoryData<string, string> Failures => new()
    {
        { "minimal", "bad" }, { "minimal", "error" }, { "minimal", "throw" },
        { "group", "bad" }, { "group", "error" }, { "group", "throw" },
        { "mvc", "bad" }, { "mvc", "error" }, { "mvc", "throw" },
    };

    [Theory]
    [MemberData(nameof(Successes))]
    public async Task A_2xx_publishes_the_tags_of_the_route_and_answers_with_the_id_and_cursor(string kind, string outcome, HttpStatusCode status)
    {
        var (path, expected) = Endpoint(kind, Random.Shared.Next(1, 1_000_000));
        await using var client = await RawConnection.StartAsync(app.Server, Json);
        await client.SubscribeAsync([.. expected]);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        using var response = await app.Http.PostAsync($"{path}?outcome={outcome}", null);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        Assert.Equal(status, response.StatusCode);

        // One copy per target group (each tag here has its own), all with the invalidation's id and cursor.
        var copies = new List<InvalidationMessage>();
        foreach (var _ in expected)
        {
            copies.Add(await client.NextAsync());
        }

        Assert.Equal(expected.Select(tag => tag.Canonical).Order(), copies.SelectMany(copy => copy.Tags).Select(tag => tag.Canonical).Order());
        var id = Assert.Single(copies.Select(copy => copy.Id).Distinct());
        Assert.Equal(id, Assert.Single(response.Headers.GetValues(InvalidationHeaders.Id)));
        Assert.Equal(copies[0].Cursor.ToString(), Assert.Single(response.Headers.GetValues(InvalidationHeaders.Cursor)));

        // The cursor is the log's clock when the change was logged, not a count of everyone's invalidations (a second
        // of slack for the log's monotonic clock).
        Assert.InRange(copies[0].Cursor!.Value.Sequence, before - 1_000_000, after + 1_000_000);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_4xx_a_5xx_or_an_exception_publishes_nothing(string kind, string outcome)
    {
        var id = Random.Shared.Next(1, 1_000_000);
        var (path, expected) = Endpoint(kind, id);
        await using var client = await RawConnection.StartAsync(app.Server, Json);
        Tag sentinel = ["sentinel", Guid.NewGuid().ToString("N")];
        await client.SubscribeAsync([.. expected, sentinel]);

        using var response = await app.Http.PostAsync($"{path}?outcome={outcome}", null);

        Assert.True((int)response.StatusCode >= 400, $"{kind}/{outcome} answered {response.StatusCode}");
        Assert.False(response.Headers.Contains(InvalidationHeaders.Id));
        var sentinelId = (await app.Server.InvalidateAsync(sentinel)).Id;
        Assert.Empty(await client.ReceivedUntilAsync(sentinelId));
    }

    [Fact]
    public async Task Tags_of_a_group_and_of_its_endpoint_are_one_invalidation()
    {
        await using var client = await RawConnection.StartAsync(app.Server, Json);
        await client.SubscribeAsync(["list", "inbox"], ["item", 7]);

        using var response = await app.Http.PostAsync("/group/inbox/items/7?outcome=ok", null);

        response.EnsureSuccessStatusCode();
        var first = await client.NextAsync();
        var second = await client.NextAsync();
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, Assert.Single(response.Headers.GetValues(InvalidationHeaders.Id)));
        Assert.Equal(
            [new Tag("item", 7), new Tag("list", "inbox")],
            new[] { first, second }.SelectMany(message => message.Tags).OrderBy(tag => tag.Canonical, StringComparer.Ordinal));
    }

    private static readonly Transport Json = new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json);

    private static (string Path, Tag[] Tags) Endpoint(string kind, int id) => kind switch
    {
        "minimal" => ($"/minimal/{id}", [["todo", id]]),
        "group" => ($"/group/g{id}/items/{id}", [["list", $"g{id}"], ["item", id]]),
        _ => ($"/mvc/todos/{id}", [["todos"], ["todo", id]]),
    };

    /// <summary>What each endpoint answers, by the query value <c>outcome</c>.</summary>
    internal static IResult Answer(string? outcome, int id) => outcome switch
    {
        "ok" => Results.Ok(new { id }),
        "created" => Results.Created($"/things/{id}", new { id }),
        "empty" => Results.NoContent(),
        "bad" => Results.BadRequest(),
        "error" => Results.StatusCode(500),
        _ => throw new InvalidOperationException("The handler failed."),
    };

    public sealed class App : IAsyncLifetime
    {
        public KestrelServer Server { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var builder = KestrelServer.AppBuilder();
            builder.Services.AddTagInvalidation().AddSignalR();
            builder.Services.AddControllers().AddApplicationPart(typeof(TodosController).Assembly);
            var app = builder.Build();
            app.MapTagInvalidation();
            app.MapPost("/minimal/{id:int}", (int id, string? outcome) => Answer(outcome, id))
                .InvalidatesTags((int id) => [["todo", id]]);
            var group = app.MapGroup("/group/{list}").InvalidatesTags((string list) => [["list", list]]);
            group.MapPost("/items/{id:int}", (int id, string? outcome) => Answer(outcome, id))
                .InvalidatesTags((int id) => [["item", id]]);
            app.MapControllers().WithTagInvalidation();
            Server = await KestrelServer.StartAsync(app);
            Http = Server.Http();
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
        }
    }
}

[ApiController]
[Route("mvc/todos")]
[InvalidatesTags("todos")]
public sealed class TodosController : ControllerBase
{
    [HttpPost("{id:int}")]
    [InvalidatesTags("todo", "{id}")]
    public IActionResult Update(int id, string? outcome) => outcome switch
    {
        "ok" => Ok(new { id }),
        "created" => Created($"/things/{id}", new { id }),
        "empty" => NoContent(),
        "bad" => BadRequest(),
        "error" => StatusCode(500),
        _ => throw new InvalidOperationException("The action failed."),
    };
}
