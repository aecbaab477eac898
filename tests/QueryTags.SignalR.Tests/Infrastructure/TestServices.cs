using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>The server's internal pieces, built by hand over a recording hub context and an in-memory log.</summary>
internal sealed class TestServices
{
    public TestServices(Action<TagInvalidationOptions>? configure = null)
    {
        var options = new TagInvalidationOptions();
        configure?.Invoke(options);
        Options = Microsoft.Extensions.Options.Options.Create(options);
        Log = new InMemoryInvalidationLog(Options, TimeProvider.System);
        Metrics = new TagInvalidationMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        Connections = new LocalConnections(HubContext, Log);
        Subscriptions = new TagSubscriptionService(Options, new TagAdmission(Options), Log, Metrics, Connections, NullLogger<InvalidationHub>.Instance);
        Invalidator = new HubTagInvalidator(HubContext, Log, Options, Metrics, NullLogger<HubTagInvalidator>.Instance);
    }

    public IOptions<TagInvalidationOptions> Options { get; }

    public RecordingHubContext HubContext { get; } = new();

    public InMemoryInvalidationLog Log { get; }

    public TagInvalidationMetrics Metrics { get; }

    public LocalConnections Connections { get; }

    public TagSubscriptionService Subscriptions { get; }

    public HubTagInvalidator Invalidator { get; }

    /// <summary>A connection the subscription service knows, as after <c>OnConnectedAsync</c>.</summary>
    public TestHubCallerContext Connect(string? connectionId = null)
    {
        var context = new TestHubCallerContext(connectionId ?? Guid.NewGuid().ToString("N"));
        Subscriptions.Connected(context);
        return context;
    }
}
