using Microsoft.AspNetCore.Http;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Declarative invalidation: an endpoint (or every endpoint of a group) invalidates tags after it succeeds.
/// </summary>
/// <remarks>
/// The tags are published through <see cref="ITagInvalidator"/> when the response has a 2xx status: as the response
/// starts, so it carries the headers <c>QueryTags-Invalidation-Id</c> and <c>QueryTags-Invalidation-Cursor</c>
/// (<see cref="InvalidationHeaders"/>), or after the handler returns for a response without a body. Nothing is
/// published for another status or when the handler throws. If the publish fails after the handler succeeded (the
/// log is unreachable), the response keeps its status, carries no invalidation headers, and the failure is logged as
/// an error and counted in <c>querytags.endpoint.invalidations.failed</c>. Several calls (on a group and on its
/// endpoint, or attributes) add up to one invalidation with all their tags.
/// </remarks>
public static class TagInvalidationEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Invalidates fixed tags after a 2xx, written as they are: <c>.InvalidatesTags(["todos"])</c>, or several,
    /// <c>.InvalidatesTags(["todos"], ["stats"])</c> (a lambda without parameters is not one of the forms).
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="tags">The tags, such as <c>["todos"]</c> or <c>[["todos"], ["lists"]]</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder InvalidatesTags<TBuilder>(this TBuilder builder, params Tag[] tags)
        where TBuilder : IEndpointConventionBuilder =>
        builder.InvalidatesTags(RequestTagSource.Fixed(tags));

    /// <summary>Invalidates tags computed from the request after a 2xx: <c>.InvalidatesTags(context => ...)</c>.</summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="tags">Computes the tags from the request, once the handler succeeded.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder InvalidatesTags<TBuilder>(this TBuilder builder, Func<HttpContext, IEnumerable<Tag>> tags)
        where TBuilder : IEndpointConventionBuilder =>
        builder.InvalidatesTags(RequestTagSource.FromContext(tags));

    /// <summary>
    /// Invalidates tags computed from a request value after a 2xx: <c>.InvalidatesTags((int id) =&gt; [["todo", id]])</c>.
    /// The parameter is bound by its name from the route values, then the query string.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <typeparam name="T1">The parameter's type: a string, number, bool, Guid, enum or other <see cref="IParsable{TSelf}"/>.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="tags">Computes the tags.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder InvalidatesTags<TBuilder, T1>(this TBuilder builder, Func<T1, IEnumerable<Tag>> tags)
        where TBuilder : IEndpointConventionBuilder =>
        builder.InvalidatesTags(RequestTagSource.FromDelegate(tags));

    /// <summary>Invalidates tags computed from two request values after a 2xx; see <see cref="InvalidatesTags{TBuilder, T1}"/>.</summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <typeparam name="T1">The first parameter's type.</typeparam>
    /// <typeparam name="T2">The second parameter's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="tags">Computes the tags.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder InvalidatesTags<TBuilder, T1, T2>(this TBuilder builder, Func<T1, T2, IEnumerable<Tag>> tags)
        where TBuilder : IEndpointConventionBuilder =>
        builder.InvalidatesTags(RequestTagSource.FromDelegate(tags));

    /// <summary>Invalidates tags computed from three request values after a 2xx; see <see cref="InvalidatesTags{TBuilder, T1}"/>.</summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <typeparam name="T1">The first parameter's type.</typeparam>
    /// <typeparam name="T2">The second parameter's type.</typeparam>
    /// <typeparam name="T3">The third parameter's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="tags">Computes the tags.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder InvalidatesTags<TBuilder, T1, T2, T3>(this TBuilder builder, Func<T1, T2, T3, IEnumerable<Tag>> tags)
        where TBuilder : IEndpointConventionBuilder =>
        builder.InvalidatesTags(RequestTagSource.FromDelegate(tags));

    /// <summary>
    /// Publishes the <see cref="InvalidatesTagsAttribute"/> tags of these endpoints after a 2xx. For MVC it is the one
    /// call to make: <c>app.MapControllers().WithTagInvalidation()</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint, group or controller builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">When the endpoints are built: <c>AddTagInvalidation()</c> was not called.</exception>
    public static TBuilder WithTagInvalidation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(EndpointInvalidation.Wrap);
        return builder;
    }

    private static TBuilder InvalidatesTags<TBuilder>(this TBuilder builder, RequestTagSource source)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new InvalidatesTagsMetadata(source);
        builder.Add(endpoint =>
        {
            endpoint.Metadata.Add(metadata);
            EndpointInvalidation.Wrap(endpoint);
        });
        return builder;
    }
}
