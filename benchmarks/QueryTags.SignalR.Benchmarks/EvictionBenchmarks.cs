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
/// The publish path (checks, log append, serialization per send) without eviction, and with the output cache or
/// HybridCache evicted by tag before the send, on their in-memory stores (a Redis store adds its round trip).
/// </summary>
public class EvictionBenchmarks
{
    private ServiceProvider _services = null!;
    private Tag[] _tags = [];
    private HubTagInvalidator _plain = null!;
    private HubTagInvalidator _outputCache = null!;
    private HubTagInvalidator _hybridCache = null!;

    /// <summary>Tags per invalidation.</summary>
    [Params(1, 4)]
    public int Tags { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tags = [.. Enumerable.Range(0, Tags).Select(i => new Tag("topic", i))];
        var collection = new ServiceCollection().AddMetrics();
        collection.AddOutputCache();
        collection.AddHybridCache();
        _services = collection.BuildServiceProvider();
        _plain = Invalidator([]);
        _outputCache = Invalidator([new OutputCacheEvictor(_services.GetRequiredService<IOutputCacheStore>())]);
        _hybridCache = Invalidator([new HybridCacheEvictor(_services.GetRequiredService<HybridCache>())]);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task<InvalidationMessage> NoEviction() => _plain.InvalidateTagsAsync(_tags);

    [Benchmark]
    public Task<InvalidationMessage> OutputCacheEviction() => _outputCache.InvalidateTagsAsync(_tags);

    [Benchmark]
    public Task<InvalidationMessage> HybridCacheEviction() => _hybridCache.InvalidateTagsAsync(_tags);

    private HubTagInvalidator Invalidator(ITagEvictor[] evictors)
    {
        var options = Options.Create(new TagInvalidationOptions());
        return new HubTagInvalidator(
            new PublishBenchmarks.SerializingHubContext(new MessagePackHubProtocol()),
            new InMemoryInvalidationLog(options, TimeProvider.System),
            options,
            new TagInvalidationMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            evictors,
            NullLogger<HubTagInvalidator>.Instance);
    }
}
