using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;
using QueryTags.SignalR.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers tag invalidation.</summary>
public static class TagInvalidationServiceCollectionExtensions
{
    internal const string InnerHubContextKey = "QueryTags.SignalR.InnerHubContext";

    /// <summary>Registers tag invalidation with default options. Chain <c>.AddSignalR()</c> and the add-ons, in any order.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for chaining.</returns>
    public static ITagInvalidationBuilder AddTagInvalidation(this IServiceCollection services) =>
        services.AddTagInvalidation(static _ => { });

    /// <summary>Registers tag invalidation. Chain <c>.AddSignalR()</c> and the add-ons, in any order. Safe to call more than once.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="TagInvalidationOptions"/>; they are validated when the host starts.</param>
    /// <returns>A builder for chaining.</returns>
    public static ITagInvalidationBuilder AddTagInvalidation(this IServiceCollection services, Action<TagInvalidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TagInvalidationOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TagInvalidationOptions>, TagInvalidationOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TagInvalidationMarkerService>();
        services.TryAddSingleton<TagInvalidationMetrics>();
        services.TryAddSingleton<LoggingThrottle>();
        services.TryAddSingleton<InvalidationLog, InMemoryInvalidationLog>();
        services.TryAddSingleton<ServerCaches>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NewEpochEviction>());
        services.AddOptions<TagAuthorizationOptions>();
        services.TryAddSingleton<TagAuthorizer>();
        services.TryAddSingleton<TagAdmission>();
        services.TryAddSingleton<TagSubscriptionService>();
        services.TryAddSingleton<LocalConnections>();
        services.TryAddSingleton<GroupAudience>();
        services.TryAddSingleton<ILocalClientReset>(provider => provider.GetRequiredService<LocalConnections>());
        services.TryAddSingleton<ConnectionBindings>();
        services.TryAddSingleton<LocalUserConnections>();
        services.TryAddSingleton<IUserConnections>(provider => provider.GetRequiredService<LocalUserConnections>());
        services.TryAddSingleton<HubDrain>();
        if (!services.Any(service => service.ServiceType == typeof(HubDrainHealthCheck)))
        {
            // A stopping node reports unhealthy, so a balancer probing it sends new connections elsewhere.
            services.AddSingleton<HubDrainHealthCheck>();
            services.AddHealthChecks().AddCheck<HubDrainHealthCheck>(HubDrainHealthCheck.Name);
        }
        services.TryAddSingleton<HubTagInvalidator>();
        services.TryAddSingleton<ITagInvalidator>(provider => provider.GetRequiredService<HubTagInvalidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UnsentInvalidationSweeper>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, CacheFillStartupFilter>());

        // The request a publish happens in, so its response can name the invalidation (see ResponseInvalidations).
        services.AddHttpContextAccessor();
        services.TryAddSingleton<ResponseInvalidations>();

        // The hub's own SignalR options (limits, detailed errors, the server-fault filter), applied after every other
        // configuration; HubOptionsSetup<T> makes SignalR read per-hub options at all.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions<InvalidationHub>>, HubOptionsSetup<InvalidationHub>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HubOptions<InvalidationHub>>, InvalidationHubOptionsSetup>());

        // The hub's connection handler, as SignalR builds it, with a logger factory that logs a client's refused call
        // at debug level instead of as an error with its stack, protocols that skip a message of an unknown type
        // (SignalR would stop reading the connection), and a WebSocket that never handshakes closed at the timeout.
        services.TryAddSingleton<HubConnectionHandler<InvalidationHub>>(provider => new InvalidationConnectionHandler(
            provider,
            new PendingHandshakes(provider.GetRequiredService<IUserIdProvider>())));

        // IHubContext<InvalidationHub> gets the invalidator beside it (see TagInvalidationHubContext). SignalR
        // registers IHubContext<> as an open generic, possibly after this call, so its implementation is looked
        // up when first resolved.
        services.TryAddKeyedSingleton<IHubContext<InvalidationHub>>(InnerHubContextKey, (provider, _) =>
        {
            var open = services.LastOrDefault(d => d.ServiceType == typeof(IHubContext<>) && !d.IsKeyedService && d.ImplementationType is not null)?.ImplementationType
                ?? throw new InvalidOperationException("SignalR is not registered. Call 'services.AddTagInvalidation().AddSignalR()'.");
            return (IHubContext<InvalidationHub>)ActivatorUtilities.CreateInstance(provider, open.MakeGenericType(typeof(InvalidationHub)));
        });
        services.TryAddSingleton<IHubContext<InvalidationHub>>(provider => new TagInvalidationHubContext(
            provider.GetRequiredKeyedService<IHubContext<InvalidationHub>>(InnerHubContextKey),
            provider.GetRequiredService<ITagInvalidator>()));
        return new TagInvalidationBuilder(services);
    }

    /// <summary>
    /// Adds SignalR for the invalidation hub. Chain SignalR's add-ons (<c>.AddMessagePackProtocol()</c>,
    /// <c>.AddStackExchangeRedis(...)</c>) and this library's, before or after it.
    /// </summary>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <returns>A builder that is SignalR's and the tag invalidation builder, for chaining.</returns>
    public static ITagInvalidationSignalRBuilder AddSignalR(this ITagInvalidationBuilder builder) => builder.AddSignalR(static _ => { });

    /// <summary>Adds SignalR for the invalidation hub with hub options.</summary>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Sets SignalR's <see cref="HubOptions"/>.</param>
    /// <returns>A builder that is SignalR's and the tag invalidation builder, for chaining.</returns>
    public static ITagInvalidationSignalRBuilder AddSignalR(this ITagInvalidationBuilder builder, Action<HubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        // Tag, InvalidationMessage and the other wire types carry their System.Text.Json converters and
        // MessagePack formatters as attributes, so both hub protocols read and write them with no more set-up.
        builder.Services.AddSignalR(configure);
        return new TagInvalidationSignalRBuilder(builder.Services);
    }
}
