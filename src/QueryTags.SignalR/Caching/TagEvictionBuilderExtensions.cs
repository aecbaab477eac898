using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Server caches evicted by invalidations, before the clients hear of them.</summary>
public static class TagEvictionBuilderExtensions
{
    /// <summary>
    /// Every invalidation evicts the output cache entries tagged with its tags or a prefix of them, before it is sent:
    /// tag cached responses with <c>.CacheOutput(policy => policy.InvalidatedByTags(...))</c>. Uses the app's
    /// <see cref="IOutputCacheStore"/> (<c>services.AddOutputCache()</c>, or the Redis store for several nodes).
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddOutputCacheEviction<TBuilder>(this TBuilder builder)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEvictor(provider => new OutputCacheEvictor(provider.GetService<IOutputCacheStore>()
            ?? throw new InvalidOperationException("AddOutputCacheEviction() needs an output cache store: call services.AddOutputCache() (or AddStackExchangeRedisOutputCache).")));
    }

    /// <summary>
    /// Every invalidation removes the <see cref="HybridCache"/> entries tagged with its tags or a prefix of them,
    /// before it is sent: create entries with <c>tags: TagCacheTags.Of(["todo", id])</c>. Uses the app's
    /// <see cref="HybridCache"/> (<c>services.AddHybridCache()</c>).
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddHybridCacheEviction<TBuilder>(this TBuilder builder)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEvictor(provider => new HybridCacheEvictor(provider.GetService<HybridCache>()
            ?? throw new InvalidOperationException("AddHybridCacheEviction() needs a HybridCache: call services.AddHybridCache().")));
    }

    private static TBuilder AddEvictor<TBuilder, TEvictor>(this TBuilder builder, Func<IServiceProvider, TEvictor> create)
        where TBuilder : ITagInvalidationBuilder
        where TEvictor : class, ITagEvictor
    {
        // One of each kind, however often it is asked for.
        if (!builder.Services.Any(descriptor => descriptor.ServiceType == typeof(TEvictor)))
        {
            builder.Services.AddSingleton(create);
            builder.Services.AddSingleton<ITagEvictor>(provider => provider.GetRequiredService<TEvictor>());
        }

        return builder;
    }
}
