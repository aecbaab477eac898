using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Tests.Server.DependencyInjection;

/// <summary>The add-ons chain before and after <c>AddSignalR()</c>, beside SignalR's own, and register the same either way.</summary>
public sealed class BuilderChainTests
{
    [Fact]
    public void The_add_ons_chain_before_or_after_AddSignalR_and_register_the_same_services()
    {
        var before = Services(services => services.AddTagInvalidation()
            .AddTagAuthorization(rules => rules.Allow(["todos"]))
            .AddOutputCacheEviction()
            .AddHybridCacheEviction()
            .AddSignalR()
            .AddMessagePackProtocol());
        var after = Services(services => services.AddTagInvalidation()
            .AddSignalR()
            .AddTagAuthorization(rules => rules.Allow(["todos"]))
            .AddOutputCacheEviction()
            .AddHybridCacheEviction()
            .AddMessagePackProtocol());

        Assert.Equal(Registrations(before), Registrations(after));
        foreach (var services in new[] { before, after })
        {
            using var provider = services.BuildServiceProvider();
            Assert.Equal(2, provider.GetServices<ITagEvictor>().Count());
            Assert.Contains(provider.GetServices<IHubProtocol>(), protocol => protocol.Name == "messagepack");
            Assert.Single(provider.GetRequiredService<IOptions<TagAuthorizationOptions>>().Value.Rules);
        }
    }

    private static ServiceCollection Services(Action<ServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging().AddOutputCache().AddHybridCache();
        configure(services);
        return services;
    }

    // What is registered, in an order that does not depend on the calls' order.
    private static List<string> Registrations(ServiceCollection services) =>
        [.. services.Select(descriptor => $"{descriptor.ServiceType} {descriptor.Lifetime} {(descriptor.IsKeyedService ? descriptor.KeyedImplementationType : descriptor.ImplementationType)}").Order(StringComparer.Ordinal)];
}
