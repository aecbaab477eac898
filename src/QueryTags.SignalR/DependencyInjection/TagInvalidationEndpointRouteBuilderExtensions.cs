using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the invalidation hub.</summary>
public static class TagInvalidationEndpointRouteBuilderExtensions
{
    /// <summary>The path the hub is mapped to unless another is given.</summary>
    public const string DefaultPath = "/hubs/invalidation";

    /// <summary>
    /// Maps <see cref="InvalidationHub"/> at <paramref name="pattern"/>. Requests whose <c>Origin</c> header names
    /// another origin than the server's and <see cref="TagInvalidationOptions.AllowedOrigins"/> are refused with 403.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The hub's path; <c>/hubs/invalidation</c> by default.</param>
    /// <param name="configure">Sets the connection options (transports, authorization data, buffer sizes).</param>
    /// <returns>The endpoint's convention builder, for <c>.RequireAuthorization()</c> and the like.</returns>
    /// <exception cref="InvalidOperationException"><c>AddTagInvalidation()</c> was not called.</exception>
    public static HubEndpointConventionBuilder MapTagInvalidation(
        this IEndpointRouteBuilder endpoints,
        string pattern = DefaultPath,
        Action<HttpConnectionDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<TagInvalidationMarkerService>() is null)
        {
            throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
        }

        var hub = endpoints.MapHub<InvalidationHub>(pattern, configure ?? (static _ => { }));

        // Before SignalR sees the request (negotiate, WebSocket upgrade, SSE, polls): another site's page must not
        // connect with the user's cookies.
        hub.Add(static endpoint => endpoint.RequestDelegate = AllowedOrigin.Guard(endpoint.RequestDelegate!));
        return hub;
    }
}
