using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.TestServer;

/// <summary>
/// The app the functional, JS and browser tests run: the hub at <c>/hubs/invalidation</c> open to anyone, the
/// same hub at <c>/hubs/secure</c> for authenticated users only, closing a connection when its credentials expire
/// (JSON and MessagePack on both),
/// <c>POST /invalidate</c> to publish (a test tool), the library's publish endpoint at <c>POST /api/invalidations</c>
/// for callers with the claim <c>role</c> = <c>publisher</c>, the library's diagnostics endpoint at <c>GET /diagnostics/invalidation</c>
/// for callers with the claim <c>role</c> = <c>admin</c>, <c>POST /connections/abort</c> to cut every connection, <c>GET /health</c>,
/// and the test tools <c>POST /token</c>, <c>POST /signin</c> and <c>POST /signout</c> that hand out any identity
/// (see <see cref="TestAuthentication"/>; the tag rules are <see cref="TestTagRules"/>). With
/// <c>--Redis=host:port</c> it is one node of several (backplane and log in Redis). Options bind from the
/// <c>TagInvalidation</c> configuration section (for example <c>--TagInvalidation:RetentionWindow=00:00:01</c>).
/// <c>--StopDelay=00:00:01</c> makes the host's stopping callbacks take that long more while its server still listens.
/// </summary>
public static class TestServerApp
{
    /// <summary>Where the hub that requires an authenticated user is mapped.</summary>
    public const string SecureHubPath = "/hubs/secure";

    /// <summary>Where the library's publish endpoint is mapped, for callers with the claim <c>role</c> = <c>publisher</c>.</summary>
    public const string PublishPath = "/api/invalidations";

    /// <summary>Where the library's diagnostics endpoint is mapped, for callers with the claim <c>role</c> = <c>admin</c>.</summary>
    public const string DiagnosticsPath = "/diagnostics/invalidation";

    /// <summary>Builds the app; it listens on <c>http://127.0.0.1:0</c> unless <c>--urls</c> says otherwise.</summary>
    /// <param name="args">Command-line arguments (configuration).</param>
    /// <param name="configure">Options set after configuration, for in-process tests.</param>
    /// <param name="authorize">Tag authorization set after the test server's rules, for in-process tests.</param>
    /// <param name="time">The server's clock, for in-process tests that move time rather than wait for it.</param>
    public static WebApplication Build(
        string[] args, Action<TagInvalidationOptions>? configure = null, Action<TagAuthorizationOptions>? authorize = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddHealthChecks();
        builder.Services.AddTestAuthentication();
        var projects = new ProjectChecks();
        builder.Services.AddSingleton(projects);
        var tagInvalidation = builder.Services.AddTagInvalidation(options =>
        {
            builder.Configuration.GetSection("TagInvalidation").Bind(options);
            configure?.Invoke(options);
        });
        var signalR = tagInvalidation.AddSignalR(hub => hub.AddFilter<ConnectionTracker>());
        if (!builder.Configuration.GetValue<bool>("NoMessagePack"))
        {
            signalR.AddMessagePackProtocol();
        }

        tagInvalidation.AddTagAuthorization(rules =>
        {
            TestTagRules.Add(rules, projects);
            authorize?.Invoke(rules);
        });

        // --Redis=127.0.0.1:6379 makes this node one of several: SignalR's backplane plus the shared log.
        if (builder.Configuration["Redis"] is { Length: > 0 } redis)
        {
            tagInvalidation.AddStackExchangeRedisScaleOut(redis);
        }

        var app = builder.Build();
        if (builder.Configuration.GetValue<TimeSpan?>("StopDelay") is { } stopDelay)
        {
            // Registered before the hubs are mapped, so it runs after their stopping work: the server keeps listening
            // that much longer, as it does while SignalR waits for slow transports or an app finishes its own work.
            app.Lifetime.ApplicationStopping.Register(() => Thread.Sleep(stopDelay));
        }

        app.MapHealthChecks("/health");
        var tracker = app.Services.GetRequiredService<ConnectionTracker>();
        app.Use((context, next) => tracker.TrackPollsAsync(context, next));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTagInvalidation();
        // A connection of the secure hub closes when the credentials it opened with expire (see docs/security.md).
        app.MapTagInvalidation(SecureHubPath, options => options.CloseOnAuthenticationExpiration = true).RequireAuthorization();
        app.MapTestAuthentication();
        app.MapTagInvalidationPublisher(PublishPath).RequireAuthorization(TestAuthentication.PublishersPolicy);
        app.MapTagInvalidationDiagnostics(DiagnosticsPath).RequireAuthorization(TestAuthentication.AdminsPolicy);
        app.MapPost("/invalidate", InvalidateAsync);
        app.MapPost("/connections/abort", (ConnectionTracker tracker) => Results.Ok(new { aborted = tracker.AbortAll() }));
        app.MapGet("/connections", (ConnectionTracker tracker) => Results.Ok(new { open = tracker.Count }));
        var version = new DataVersion();
        app.MapGet("/version", () => Results.Ok(new { version = version.Current }));
        app.MapPost("/invalidate/burst", (Burst burst, ITagInvalidator invalidator) => BurstAsync(burst, version, invalidator));
        return app;
    }

    /// <summary>The body of <c>POST /invalidate/burst</c>: <paramref name="Count"/> invalidations of <paramref name="Tags"/>, spread evenly over <paramref name="DurationMs"/>.</summary>
    private sealed record Burst(JsonElement[] Tags, int Count, int DurationMs);

    // Stands for the data the burst's tags are known by: each invalidation of a burst follows a change of it.
    private sealed class DataVersion
    {
        private long _current;

        public long Current => Interlocked.Read(ref _current);

        public long Next() => Interlocked.Increment(ref _current);
    }

    // Each invalidation follows a change of the version, as a real one follows a save; the answer is the last
    // invalidation and the version it published, once all are sent.
    private static async Task<IResult> BurstAsync(Burst burst, DataVersion version, ITagInvalidator invalidator)
    {
        if (burst.Count is < 1 or > 100_000 || burst.DurationMs is < 0 or > 60_000 || burst.Tags is not { Length: > 0 })
        {
            return Results.Problem(statusCode: 400, title: "The body needs tags, a count of 1 to 100,000 and a duration of 0 to 60,000 ms.");
        }

        var tags = burst.Tags.Select(tag => Tag.Parse(tag.GetRawText())).ToArray();
        var started = Stopwatch.GetTimestamp();
        InvalidationMessage? last = null;
        for (var i = 0; i < burst.Count; i++)
        {
            // Paced by the clock, not by sleeps of a fixed length: late sends catch up.
            var due = TimeSpan.FromMilliseconds((double)burst.DurationMs * i / burst.Count);
            if (due > Stopwatch.GetElapsedTime(started))
            {
                await Task.Delay(due - Stopwatch.GetElapsedTime(started));
            }

            version.Next();
            last = await invalidator.InvalidateTagsAsync(tags);
        }

        return Results.Ok(new { id = last!.Id, cursor = last.Cursor, version = version.Current, elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds });
    }

    // Body: { "tags": [["todo", 5]], "origin": "optional", "via": "invalidator" | "hubContext" }.
    private static async Task<IResult> InvalidateAsync(HttpRequest request, ITagInvalidator invalidator, IHubContext<InvalidationHub> hubContext)
    {
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted)).RootElement;
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: 400, title: "The body is not JSON.", detail: ex.Message);
        }

        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("tags", out var tagsElement) || tagsElement.ValueKind != JsonValueKind.Array)
        {
            return Results.Problem(statusCode: 400, title: "The body needs a 'tags' array of tags, such as {\"tags\": [[\"todo\", 5]]}.");
        }

        var tags = new List<Tag>();
        foreach (var element in tagsElement.EnumerateArray())
        {
            try
            {
                tags.Add(Tag.Parse(element.GetRawText()));
            }
            catch (FormatException ex)
            {
                return Results.Problem(statusCode: 400, title: "A tag is invalid.", detail: ex.Message);
            }
        }

        var source = body.TryGetProperty("origin", out var sourceElement) && sourceElement.ValueKind == JsonValueKind.String ? sourceElement.GetString() : null;
        var viaHubContext = body.TryGetProperty("via", out var via) && via.ValueKind == JsonValueKind.String && via.GetString() == "hubContext";
        try
        {
            var message = viaHubContext
                ? await hubContext.InvalidateTagsAsync(tags, source)
                : await invalidator.InvalidateTagsAsync(tags, source);
            return Results.Ok(new { id = message.Id, cursor = message.Cursor });
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(statusCode: 400, title: "The invalidation was refused.", detail: ex.Message);
        }
        catch (InvalidationLogUnavailableException ex)
        {
            return Results.Problem(statusCode: 503, title: "The invalidation log is unreachable.", detail: ex.Message);
        }
    }
}
