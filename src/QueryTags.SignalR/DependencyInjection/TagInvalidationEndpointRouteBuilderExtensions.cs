using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
    /// Each connection is bound to the identity that negotiated it: a later request of the connection (a poll, a send)
    /// with another user's credentials, or none, is answered as for a connection that does not exist.
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

        // Each wrapper added wraps the ones before it, so a request meets them in reverse order.
        // Third: a connection's requests must carry the identity that negotiated it.
        hub.Add(static endpoint => endpoint.RequestDelegate = endpoint.Metadata.OfType<NegotiateMetadata>().Any()
            ? IdentityBinding.Negotiate(endpoint.RequestDelegate!)
            : IdentityBinding.Guard(endpoint.RequestDelegate!));

        // Second: a stopping node refuses new connections and sends its own elsewhere. Attached after MapHub created
        // SignalR's connection manager, so the drain runs before SignalR cuts every connection (see HubDrain).
        var drain = endpoints.ServiceProvider.GetRequiredService<HubDrain>();
        drain.AttachTo(endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>());
        hub.Add(endpoint => endpoint.RequestDelegate = drain.Guard(endpoint.RequestDelegate!, endpoint.Metadata.OfType<NegotiateMetadata>().Any()));

        // First, before SignalR sees the request (negotiate, WebSocket upgrade, SSE, polls): another site's page must
        // not connect with the user's cookies (and its negotiate binds nothing).
        hub.Add(static endpoint => endpoint.RequestDelegate = AllowedOrigin.Guard(endpoint.RequestDelegate!));
        return hub;
    }

    /// <summary>
    /// Maps <c>POST</c> <paramref name="pattern"/>, for services that are not .NET to publish invalidations: a JSON body
    /// <c>{ "tags": [["todo", 5]], "origin": "optional text" }</c> is published like
    /// <see cref="ITagInvalidator.InvalidateTagsAsync(IEnumerable{Tag}, string?, CancellationToken)"/> and answered <c>200 { id, cursor }</c>. A tag that breaks a rule
    /// is answered 400 with problem details naming the tag and the rule (<c>rejected</c>, as a subscribe reports them),
    /// a body over <see cref="TagInvalidationOptions.MaxPublishBodySize"/> 413, an unreachable log 503; in each case
    /// nothing is published. The endpoint requires an authenticated caller; chain <c>.RequireAuthorization("Publishers")</c>
    /// for a policy of your own, or <c>.AllowAnonymous()</c> with a check of your own (an API key).
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The endpoint's path, such as <c>/api/invalidations</c>.</param>
    /// <returns>The endpoint's convention builder, for <c>.RequireAuthorization(...)</c>, rate limiting and the like.</returns>
    /// <exception cref="InvalidOperationException"><c>AddTagInvalidation()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapTagInvalidationPublisher(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<TagInvalidationMarkerService>() is null)
        {
            throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
        }

        return endpoints.MapPost(pattern, PublishEndpoint.HandleAsync).RequireAuthorization();
    }

    /// <summary>
    /// Maps <c>GET</c> <paramref name="pattern"/>, a view of this node for operators, as JSON: connections by transport
    /// and protocol; held tags counted, with the prefixes most connections hold; the invalidation log's epoch, position
    /// and retention; the invalidations this node sent last (id, tag and group counts, deliveries to this node's
    /// connections, bytes); and the sections of other components (<see cref="ITagInvalidationDiagnosticsSection"/>). It
    /// never shows a connection id, a user or a connection's tags, and lists a prefix only under the rule of
    /// <see cref="TagInvalidationDiagnosticsOptions"/>. <c>?top=</c> asks for fewer prefixes. The endpoint requires an
    /// authenticated caller; chain <c>.RequireAuthorization("Operators")</c> for a policy of your own.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The endpoint's path, such as <c>/diagnostics/invalidation</c>.</param>
    /// <param name="configure">Sets what the answer shows of the held tags.</param>
    /// <returns>The endpoint's convention builder, for <c>.RequireAuthorization(...)</c> and the like.</returns>
    /// <exception cref="InvalidOperationException"><c>AddTagInvalidation()</c> was not called, or an option is out of range.</exception>
    public static IEndpointConventionBuilder MapTagInvalidationDiagnostics(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Action<TagInvalidationDiagnosticsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<TagInvalidationMarkerService>() is null)
        {
            throw new InvalidOperationException(TagInvalidationMarkerService.NotRegisteredMessage);
        }

        var options = new TagInvalidationDiagnosticsOptions();
        configure?.Invoke(options);
        DiagnosticsEndpoint.Validate(options, endpoints.ServiceProvider.GetRequiredService<IOptions<TagInvalidationOptions>>().Value.MaxGroupDepth);

        // The recent invalidations are recorded from now on; an app without the endpoint records nothing.
        endpoints.ServiceProvider.GetRequiredService<RecentlyPublished>().Enable();
        return endpoints.MapGet(pattern, new DiagnosticsEndpoint(options).HandleAsync).RequireAuthorization();
    }
}
