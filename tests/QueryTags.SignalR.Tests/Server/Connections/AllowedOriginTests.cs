using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Tests.Infrastructure;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class AllowedOriginTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("HTTP://127.0.0.1:5080", true)]
    [InlineData("https://app.example.com", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("http://127.0.0.1:5081", false)]
    [InlineData("https://127.0.0.1:5080", false)]
    [InlineData("null", false)]
    public void Allows_its_own_origin_the_configured_ones_and_requests_without_one(string? origin, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5080");
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        var options = new TagInvalidationOptions { AllowedOrigins = { "https://app.example.com/" } };

        Assert.Equal(allowed, AllowedOrigin.Allows(context, options));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://app.example.com/", true)]
    [InlineData("http://localhost:5173", true)]
    [InlineData("https://app.example.com/path", false)]
    [InlineData("app.example.com", false)]
    [InlineData("ftp://app.example.com", false)]
    [InlineData("*", false)]
    public void An_allowed_origin_is_scheme_host_and_port_alone(string text, bool isOrigin)
    {
        Assert.Equal(isOrigin, AllowedOrigin.IsOrigin(text));
    }

    [Fact]
    public async Task Refusals_of_a_foreign_origin_are_logged_through_the_log_throttle()
    {
        var logs = new RecordingLoggerFactory();
        using var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(logs)
            .AddSingleton<LoggingThrottle>()
            .AddOptions()
            .BuildServiceProvider();
        var guarded = AllowedOrigin.Guard(_ => Task.CompletedTask);

        for (var i = 0; i < 200; i++)
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("127.0.0.1:5080");
            context.Request.Path = "/hubs/invalidation/negotiate";
            context.Request.Headers.Origin = "http://evil.example";
            await guarded(context);
            Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        }

        // 20 at once, then 10 a second: 200 refusals in well under a second write a few dozen entries at most, not 200.
        var refused = logs.Logger.Entries.Count(entry => entry.Event.Name == "OriginRefused");
        Assert.InRange(refused, 1, 40);
    }
}
