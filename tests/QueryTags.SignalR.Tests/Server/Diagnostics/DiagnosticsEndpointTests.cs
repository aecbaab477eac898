using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Tests.Infrastructure;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class DiagnosticsEndpointTests
{
    [Fact]
    public async Task Every_section_is_answered_under_its_name_and_one_that_throws_spoils_nothing_else()
    {
        var logs = new RecordingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs);
        services.AddLogging();
        services.AddTagInvalidation();
        services.AddSingleton<ITagInvalidationDiagnosticsSection>(new Section("capture", () => new JsonObject { ["lagMilliseconds"] = 12 }));
        services.AddSingleton<ITagInvalidationDiagnosticsSection>(new Section("broken", () => throw new InvalidOperationException("host=db.internal password=secret")));
        services.AddSingleton<ITagInvalidationDiagnosticsSection>(new Section("empty", () => null));
        await using var provider = services.BuildServiceProvider();

        var body = await GetAsync(provider, new TagInvalidationDiagnosticsOptions());

        var sections = body.GetProperty("sections");
        Assert.Equal(12, sections.GetProperty("capture").GetProperty("lagMilliseconds").GetInt32());
        Assert.Equal("failed", sections.GetProperty("broken").GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, sections.GetProperty("empty").ValueKind);
        Assert.DoesNotContain("secret", body.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(logs.Logger.Entries, entry => entry.Event.Id == 40 && entry.Event.Name == "SectionFailed");
    }

    [Theory]
    [InlineData(0, 1, 3, "TagInvalidationDiagnosticsOptions.MaxPrefixes is 0; it must be from 1 to 1000.")]
    [InlineData(20, 9, 3, "TagInvalidationDiagnosticsOptions.PrefixDepth is 9; it must be from 1 to TagInvalidationOptions.MaxGroupDepth (8).")]
    [InlineData(20, 1, 0, "TagInvalidationDiagnosticsOptions.MinimumHolders is 0; it must be from 1 to any.")]
    public void An_option_out_of_range_is_named_with_its_range(int maxPrefixes, int prefixDepth, int minimumHolders, string message)
    {
        var options = new TagInvalidationDiagnosticsOptions { MaxPrefixes = maxPrefixes, PrefixDepth = prefixDepth, MinimumHolders = minimumHolders };

        var error = Assert.Throws<InvalidOperationException>(() => DiagnosticsEndpoint.Validate(options, maxGroupDepth: 8));

        Assert.Equal(message, error.Message);
    }

    private static async Task<JsonElement> GetAsync(IServiceProvider services, TagInvalidationDiagnosticsOptions options)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new DiagnosticsEndpoint(options).HandleAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return JsonDocument.Parse(body.ToArray()).RootElement.Clone();
    }

    private sealed class Section(string name, Func<JsonNode?> read) : ITagInvalidationDiagnosticsSection
    {
        public string Name => name;

        public ValueTask<JsonNode?> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(read());
    }
}
