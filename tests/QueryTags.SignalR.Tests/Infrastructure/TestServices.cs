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
    /// <param name="configure">Options of the server.</param>
    /// <param name="authorize">Tag authorization rules; <paramref name="services"/> can register the policies they name.</param>
    /// <param name="services">More services, such as <c>AddAuthorization</c>.</param>
    /// <param name="evictors">Server cache evictors the invalidator runs before it sends.</param>
    /// <param name="time">The clock of the rate limits and join timeouts; the system's unless a test moves its own.</param>
    public TestServices(
        Action<TagInvalidationOptions>? configure = null,
        Action<TagAuthorizationOptions>? authorize = null,
        Action<IServiceCollection>? services = null,
        IEnumerable<ITagEvictor>? evictors = null,
        TimeProvider? time = null)
    {
        var options = new TagInvalidationOptions();
        configure?.Invoke(options);
        var authorization = new TagAuthorizationOptions();
        authorize?.Invoke(authorization);
        var collection = new ServiceCollection().AddMetrics().AddLogging();
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        Options = Microsoft.Extensions.Options.Options.Create(options);
        Recent = new RecentlyPublished(HeldTags, TimeProvider.System);
        Log = new InMemoryInvalidationLog(Options, TimeProvider.System);
        Meters = provider.GetRequiredService<IMeterFactory>();
        Metrics = new TagInvalidationMetrics(Meters, ConnectionKinds, HeldTags);
        Caches = new ServerCaches(evictors ?? [], Metrics, CachesLogger);
        Connections = new LocalConnections(HubContext, Log, Caches, Options);
        Admission = new TagAdmission(Options, new TagAuthorizer(Microsoft.Extensions.Options.Options.Create(authorization), provider, new LoggingThrottle(), NullLogger<TagAuthorizer>.Instance));
        UserConnections = new LocalUserConnections(new ConnectionBindings(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new Microsoft.AspNetCore.Http.Connections.ConnectionOptions())), SubscriptionLogger);
        Subscriptions = new TagSubscriptionService(Options, Admission, Log, Metrics, Connections, UserConnections, ConnectionKinds, HeldTags, time ?? TimeProvider.System, LoggingThrottle, SubscriptionLogger);
        Invalidator = new HubTagInvalidator(HubContext, Log, Options, Metrics, Caches, LoggingThrottle, new ResponseInvalidations(new Microsoft.AspNetCore.Http.HttpContextAccessor()), Recent, HeldTags, InvalidatorLogger);
    }

    public IOptions<TagInvalidationOptions> Options { get; }

    public ConnectionKinds ConnectionKinds { get; } = new([]);

    public HeldTagCounts HeldTags { get; } = new();

    public RecentlyPublished Recent { get; }

    public RecordingLogger<HubTagInvalidator> InvalidatorLogger { get; } = new();

    public RecordingLogger<InvalidationHub> SubscriptionLogger { get; } = new();

    public RecordingLogger<ServerCaches> CachesLogger { get; } = new();

    public ServerCaches Caches { get; }

    public LoggingThrottle LoggingThrottle { get; } = new();

    public RecordingHubContext HubContext { get; } = new();

    public InMemoryInvalidationLog Log { get; }

    public IMeterFactory Meters { get; }

    public TagInvalidationMetrics Metrics { get; }

    public LocalConnections Connections { get; }

    public LocalUserConnections UserConnections { get; }

    public TagAdmission Admission { get; }

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
