using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// When the publish fails after the handler succeeded (the log is unreachable), the change stands: the response
/// keeps its 2xx and carries no invalidation headers, and the failure is logged as an error and counted.
/// </summary>
public sealed class EndpointPublishFailureTests
{
    [Fact]
    public async Task An_unreachable_log_keeps_the_2xx_drops_the_headers_and_is_logged_and_counted()
    {
        var capture = new LogCapture();
        var builder = KestrelServer.AppBuilder();
        builder.Logging.AddProvider(capture);
        builder.Services.AddSingleton<InvalidationLog, SwitchableLog>();
        builder.Services.AddTagInvalidation().AddSignalR();
        var app = builder.Build();
        app.MapTagInvalidation();
        var saved = 0;
        app.MapPost("/todos/{id:int}", (int id) =>
        {
            Interlocked.Increment(ref saved);
            return Results.Ok(new { id });
        }).InvalidatesTags((int id) => [["todo", id]]);
        await using var server = await KestrelServer.StartAsync(app);
        using var http = server.Http();
        var log = (SwitchableLog)server.Services.GetRequiredService<InvalidationLog>();
        using var failures = new CounterReading("querytags.endpoint.invalidations.failed");

        log.Down = true;
        using var response = await http.PostAsync("/todos/5", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, saved);
        Assert.False(response.Headers.Contains(InvalidationHeaders.Id));
        Assert.False(response.Headers.Contains(InvalidationHeaders.Cursor));
        var entry = Assert.Single(capture.Entries, entry => entry.Event.Name == "EndpointPublishFailed");
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidationLogUnavailableException>(entry.Exception);
        Assert.Contains("/todos/{id:int}", entry.Message, StringComparison.Ordinal);
        Assert.Equal(1, failures.Total);

        log.Down = false;
        using var recovered = await http.PostAsync("/todos/5", null);
        Assert.True(recovered.Headers.Contains(InvalidationHeaders.Id));
        Assert.Equal(1, failures.Total);
    }
}
