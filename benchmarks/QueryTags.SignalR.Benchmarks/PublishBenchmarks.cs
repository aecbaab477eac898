using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Benchmarks;

/// <summary>
/// What a publish costs the server before the bytes reach the sockets: the log append, and one MessagePack
/// serialization per send (SignalR serializes a send once per protocol, then writes the same bytes to every
/// connection of its groups). Each target group gets a copy with only its tags; the baseline serializes one
/// message with every tag once, what a single send to all the groups cost before. The same path with the output
/// cache or HybridCache evicted by tag before the send (their in-memory stores; a Redis store adds its round trip).
/// </summary>
public class PublishBenchmarks
{
    private readonly MessagePackHubProtocol _protocol = new();
    private Tag[] _tags = [];
    private ServiceProvider _services = null!;
    private InMemoryInvalidationLog _log = null!;
    private HubTagInvalidator _invalidator = null!;
    private HubTagInvalidator _evictingOutputCache = null!;
    private HubTagInvalidator _evictingHybridCache = null!;

    /// <summary>Tags per invalidation, each targeting a group of its own.</summary>
    [Params(1, 4)]
    public int Tags { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tags = [.. Enumerable.Range(0, Tags).Select(i => new Tag("topic", i))];
        var services = new ServiceCollection().AddMetrics();
        services.AddOutputCache();
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        var options = Options.Create(new TagInvalidationOptions());
        _log = new InMemoryInvalidationLog(options, TimeProvider.System);
        _invalidator = Invalidator(_log, []);
        _evictingOutputCache = Invalidator(_log, [new OutputCacheEvictor(_services.GetRequiredService<IOutputCacheStore>())]);
        _evictingHybridCache = Invalidator(_log, [new HybridCacheEvictor(_services.GetRequiredService<HybridCache>())]);

        HubTagInvalidator Invalidator(InvalidationLog log, ITagEvictor[] evictors)
        {
            var held = new HeldTagCounts();
            var metrics = new TagInvalidationMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new ConnectionKinds([]), held);
            return new(
                new SerializingHubContext(_protocol),
                log,
                options,
                metrics,
                new ServerCaches(evictors, metrics, NullLogger<ServerCaches>.Instance),
                new LoggingThrottle(),
                new ResponseInvalidations(new Microsoft.AspNetCore.Http.HttpContextAccessor()),
                new RecentlyPublished(held, TimeProvider.System),
                held,
                NullLogger<HubTagInvalidator>.Instance);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public Task<InvalidationMessage> PerGroupCopies() => _invalidator.InvalidateTagsAsync(_tags);

    [Benchmark]
    public Task<InvalidationMessage> PerGroupCopiesEvictingOutputCache() => _evictingOutputCache.InvalidateTagsAsync(_tags);

    [Benchmark]
    public Task<InvalidationMessage> PerGroupCopiesEvictingHybridCache() => _evictingHybridCache.InvalidateTagsAsync(_tags);

    [Benchmark(Baseline = true)]
    public async Task<int> OneSharedMessage()
    {
        // The invalidator's own work (limits, group names, log append), then a single serialization.
        var groups = new List<string>(_tags.Length);
        foreach (var tag in _tags)
        {
            _ = TagLimits.Default.Check(tag);
            groups.Add(TagPrefixes.Name(TagPrefixes.Grouped(tag, 8).Longest));
        }

        var cursor = await _log.AppendAsync(_tags, CancellationToken.None);
        var message = new InvalidationMessage { Id = Guid.CreateVersion7().ToString("N"), Tags = _tags, Cursor = cursor };
        return _protocol.GetMessageBytes(new InvocationMessage(InvalidationHubMethods.Invalidate, [message])).Length;
    }

    /// <summary>A hub context whose group sends serialize the invocation, as SignalR does once per send.</summary>
    private sealed class SerializingHubContext(IHubProtocol protocol) : IHubContext<InvalidationHub>, IHubClients, IClientProxy
    {
        IHubClients IHubContext<InvalidationHub>.Clients => this;

        IGroupManager IHubContext<InvalidationHub>.Groups => throw new NotSupportedException();

        public IClientProxy All => this;

        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            _ = protocol.GetMessageBytes(new InvocationMessage(method, args));
            return Task.CompletedTask;
        }

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => this;

        public IClientProxy Client(string connectionId) => this;

        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => this;

        public IClientProxy Group(string groupName) => this;

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => this;

        public IClientProxy Groups(IReadOnlyList<string> groupNames) => this;

        public IClientProxy User(string userId) => this;

        public IClientProxy Users(IReadOnlyList<string> userIds) => this;
    }
}
