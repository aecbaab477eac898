using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.Client;
using QueryTags.SignalR.FunctionalTests.Infrastructure;
using QueryTags.SignalR.Testing;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A cached GET, a change saved by an endpoint that invalidates its tag, and a real SignalR client that GETs again
/// as soon as the push arrives: with eviction the refetch reads the new value every round; without it (the
/// control) the cache answers the old one, so the test can fail.
/// </summary>
public sealed class CacheEvictionTests
{
    private static readonly Transport Json = new(HttpTransportType.WebSockets, TagInvalidationProtocol.Json);

    [Theory]
    [InlineData("output", 100)]
    [InlineData("hybrid", 30)]
    public async Task With_eviction_the_refetch_a_push_triggers_reads_the_new_value_every_round(string cache, int rounds)
    {
        var store = new ConcurrentDictionary<int, int>();
        await using var server = await KestrelServer.StartAsync(App(cache, evict: true, store));

        var stale = await RunRoundsAsync(server, server, rounds);

        Assert.Empty(stale);
    }

    [Theory]
    [InlineData("output")]
    [InlineData("hybrid")]
    public async Task Without_eviction_the_refetch_reads_a_stale_cached_value(string cache)
    {
        var store = new ConcurrentDictionary<int, int>();
        await using var server = await KestrelServer.StartAsync(App(cache, evict: false, store));

        var stale = await RunRoundsAsync(server, server, 5);

        Assert.NotEmpty(stale);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Across_two_nodes_the_redis_output_cache_is_evicted_before_the_push(bool evict)
    {
        await using var redis = await RedisServer.StartAsync();
        var store = new ConcurrentDictionary<int, int>();
        await using var writer = await KestrelServer.StartAsync(App("output", evict, store, redis.Configuration));
        await using var reader = await KestrelServer.StartAsync(App("output", evict, store, redis.Configuration));

        var stale = await RunRoundsAsync(writer, reader, evict ? 30 : 5);

        // Without eviction (the control) the shared cache answers the old value.
        Assert.Equal(evict, stale.Count == 0);
    }

    [Fact]
    public async Task After_an_outage_of_a_persistent_redis_the_reset_refetch_reads_what_was_written_meanwhile()
    {
        // Redis keeps everything on disk (appendfsync always), so after kill -9 and a restart it comes back with the
        // log's epoch and with the output-cache entries cached before the outage.
        await using var redis = await RedisServer.StartAsync(persistent: true);
        var store = new ConcurrentDictionary<int, int>();
        await using var writer = await KestrelServer.StartAsync(App("output", evict: true, store, redis.Configuration));
        await using var reader = await KestrelServer.StartAsync(App("output", evict: true, store, redis.Configuration));
        using var writes = writer.Http();
        using var reads = reader.Http();
        var ids = Enumerable.Range(0, 4).Select(_ => Random.Shared.Next(1, 1_000_000)).Distinct().ToArray();
        var shown = new ConcurrentDictionary<int, int>();
        var resets = 0;
        await using var client = await RawConnection.StartAsync(reader, Json);
        async Task RefetchAsync(int id) =>
            shown[id] = int.Parse(await reads.GetStringAsync($"/items/{id}"), System.Globalization.CultureInfo.InvariantCulture);
        client.Connection.On<ResetMessage>(InvalidationHubMethods.Reset, async _ =>
        {
            Interlocked.Increment(ref resets);
            foreach (var id in ids)
            {
                await RefetchAsync(id);
            }
        });
        await client.SubscribeAsync([.. ids.Select(id => new Tag("item", id))]);
        foreach (var id in ids)
        {
            (await writes.PostAsync($"/items/{id}?value=1", null)).EnsureSuccessStatusCode();
            await RefetchAsync(id);
            Assert.Equal(1, shown[id]);
        }

        redis.Stop();
        foreach (var id in ids)
        {
            // Saved, and answered 2xx, though nothing could be logged, evicted or sent.
            using var saved = await writes.PostAsync($"/items/{id}?value=2", null);
            Assert.True(saved.IsSuccessStatusCode, $"POST answered {saved.StatusCode}");
        }

        await redis.RestartAsync().Within();

        // Every node evicts what its caches may hold, then resets its clients; their refetch reads the writes.
        await Eventually.TrueAsync(() => Volatile.Read(ref resets) > 0 && ids.All(id => shown[id] == 2), () => $"shown {string.Join(", ", ids.Select(id => shown[id]))} after {resets} reset(s)", TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Each round saves value r through <paramref name="writer"/>; the client, connected to <paramref name="reader"/>,
    /// GETs from it in its handler for the push. Returns the rounds whose refetch read another value.
    /// </summary>
    private static async Task<List<(int Round, int Read)>> RunRoundsAsync(KestrelServer writer, KestrelServer reader, int rounds)
    {
        var id = Random.Shared.Next(1, 1_000_000);
        using var writes = writer.Http();
        using var reads = reader.Http();
        var refetched = Channel.CreateUnbounded<int>();
        await using var client = await RawConnection.StartAsync(reader, Json);
        client.Connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, async _ =>
            refetched.Writer.TryWrite(int.Parse(await reads.GetStringAsync($"/items/{id}"), System.Globalization.CultureInfo.InvariantCulture)));
        await client.SubscribeAsync(["item", id]);
        (await writes.PostAsync($"/items/{id}?value=0", null)).EnsureSuccessStatusCode();
        await refetched.Reader.ReadAsync().AsTask().Within();

        var stale = new List<(int Round, int Read)>();
        for (var round = 1; round <= rounds; round++)
        {
            using var saved = await writes.PostAsync($"/items/{id}?value={round}", null);
            saved.EnsureSuccessStatusCode();
            var read = await refetched.Reader.ReadAsync().AsTask().Within();
            if (read != round)
            {
                stale.Add((round, read));
            }
        }

        return stale;
    }

    /// <summary>
    /// <c>GET /items/{id}</c> cached (output cache or HybridCache) under <c>["item", id]</c>, and
    /// <c>POST /items/{id}?value=</c> that saves into <paramref name="store"/> (the nodes' shared database) and
    /// invalidates <c>["item", id]</c>.
    /// </summary>
    private static WebApplication App(string cache, bool evict, ConcurrentDictionary<int, int> store, string? redis = null)
    {
        var builder = KestrelServer.AppBuilder();
        var tagInvalidation = builder.Services.AddTagInvalidation();
        tagInvalidation.AddSignalR();
        if (redis is not null)
        {
            tagInvalidation.AddStackExchangeRedisScaleOut(redis);
            builder.Services.AddStackExchangeRedisOutputCache(options => options.Configuration = redis);
        }

        builder.Services.AddOutputCache();
        builder.Services.AddHybridCache();
        if (evict)
        {
            _ = cache == "output" ? tagInvalidation.AddOutputCacheEviction() : tagInvalidation.AddHybridCacheEviction();
        }

        var app = builder.Build();
        app.UseOutputCache();
        app.MapTagInvalidation();
        app.MapPost("/items/{id:int}", (int id, int value) =>
        {
            store[id] = value;
            return Results.NoContent();
        }).InvalidatesTags((int id) => [["item", id]]);
        var read = cache == "output"
            ? app.MapGet("/items/{id:int}", (int id) => Read(store, id))
                .CacheOutput(policy => policy.Expire(TimeSpan.FromMinutes(5)).InvalidatedByTags((int id) => [["item", id]]))
            : app.MapGet("/items/{id:int}", async (int id, HybridCache hybrid) =>
                await hybrid.GetOrCreateAsync($"item-{id}", _ => ValueTask.FromResult(Read(store, id)), tags: TagCacheTags.Of(["item", id])));
        return app;
    }

    private static string Read(ConcurrentDictionary<int, int> store, int id) =>
        store.GetValueOrDefault(id).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
