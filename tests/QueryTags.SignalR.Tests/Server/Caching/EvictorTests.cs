using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Tests.Server.Caching;

/// <summary>The shipped evictors against the real output cache store and the real HybridCache, with prefix semantics.</summary>
public class EvictorTests
{
    [Fact]
    public async Task Output_cache_entries_are_evicted_by_a_tag_and_by_its_prefixes_but_not_by_a_sibling()
    {
        await using var provider = Provider(services => services.AddOutputCache());
        var store = provider.GetRequiredService<IOutputCacheStore>();
        var evictor = provider.GetServices<ITagEvictor>().Single();
        async Task Fill()
        {
            foreach (var id in new[] { 5, 6 })
            {
                await store.SetAsync($"todo-{id}", [(byte)id], TagCacheTags.Of(["todo", id]), TimeSpan.FromMinutes(5), default);
            }

            await store.SetAsync("list", [1], TagCacheTags.Of(["todos"]), TimeSpan.FromMinutes(5), default);
        }

        await Fill();
        await evictor.EvictAsync([["todo", 5]], default);
        Assert.Null(await store.GetAsync("todo-5", default));
        Assert.NotNull(await store.GetAsync("todo-6", default));
        Assert.NotNull(await store.GetAsync("list", default));

        await Fill();
        await evictor.EvictAsync([["todo"]], default);
        Assert.Null(await store.GetAsync("todo-5", default));
        Assert.Null(await store.GetAsync("todo-6", default));
        Assert.NotNull(await store.GetAsync("list", default));

        await evictor.EvictAsync([["todos"], ["other"]], default);
        Assert.Null(await store.GetAsync("list", default));

        // Before a reset: everything known by query tags, nothing else.
        await Fill();
        await store.SetAsync("own", [9], ["app-tag"], TimeSpan.FromMinutes(5), default);
        await evictor.EvictAllAsync(default);
        Assert.Null(await store.GetAsync("todo-5", default));
        Assert.Null(await store.GetAsync("todo-6", default));
        Assert.Null(await store.GetAsync("list", default));
        Assert.NotNull(await store.GetAsync("own", default));
    }

    [Fact]
    public async Task HybridCache_entries_are_removed_by_a_tag_and_by_its_prefixes_but_not_by_a_sibling()
    {
        await using var provider = Provider(services => services.AddHybridCache(), hybrid: true);
        var cache = provider.GetRequiredService<HybridCache>();
        var evictor = provider.GetServices<ITagEvictor>().Single();
        var version = 0;
        ValueTask<int> Read(int id) => cache.GetOrCreateAsync($"todo-{id}", _ => ValueTask.FromResult(version), tags: TagCacheTags.Of(["todo", id]));

        Assert.Equal(0, await Read(5));
        Assert.Equal(0, await Read(6));
        version = 1;
        await evictor.EvictAsync([["todo", 5]], default);
        Assert.Equal(1, await Read(5));
        Assert.Equal(0, await Read(6));

        version = 2;
        await evictor.EvictAsync([["todo"]], default);
        Assert.Equal(2, await Read(5));
        Assert.Equal(2, await Read(6));

        // Before a reset: everything known by query tags, nothing else.
        Assert.Equal(2, await cache.GetOrCreateAsync("own", _ => ValueTask.FromResult(version), tags: ["app-tag"]));
        version = 3;
        await evictor.EvictAllAsync(default);
        Assert.Equal(3, await Read(5));
        Assert.Equal(3, await Read(6));
        Assert.Equal(2, await cache.GetOrCreateAsync("own", _ => ValueTask.FromResult(version), tags: ["app-tag"]));
    }

    [Fact]
    public void Asking_for_an_eviction_without_its_cache_says_what_to_add()
    {
        using var provider = new ServiceCollection().AddTagInvalidation().AddOutputCacheEviction().Services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetServices<ITagEvictor>().ToList());

        Assert.Contains("AddOutputCache()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_twice_registers_one_evictor_of_each_kind()
    {
        var services = new ServiceCollection().AddOutputCache().AddHybridCache().Services;
        services.AddTagInvalidation().AddOutputCacheEviction().AddHybridCacheEviction().AddOutputCacheEviction().AddHybridCacheEviction();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(2, provider.GetServices<ITagEvictor>().Count());
    }

    private static ServiceProvider Provider(Action<IServiceCollection> cache, bool hybrid = false)
    {
        var services = new ServiceCollection();
        cache(services);
        var builder = services.AddTagInvalidation();
        _ = hybrid ? builder.AddHybridCacheEviction() : builder.AddOutputCacheEviction();
        return services.BuildServiceProvider();
    }
}
