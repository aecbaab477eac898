using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryTags.SignalR;
using QueryTags.SignalR.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Per-tag authorization: which tags a connection may hold.</summary>
public static class TagAuthorizationBuilderExtensions
{
    /// <summary>
    /// Adds rules for the tags a connection may hold, checked for every tag of every subscribe with the connection's
    /// user; see <see cref="TagAuthorizationOptions"/>. Who may connect at all is the hub endpoint's authorization:
    /// <c>app.MapTagInvalidation().RequireAuthorization(...)</c>. Calling it again adds to the same rules. Rules that
    /// cannot work (a pattern longer than <see cref="TagInvalidationOptions.MaxGroupDepth"/>, a policy without
    /// <c>AddAuthorization</c>) stop the host at start.
    /// </summary>
    /// <typeparam name="TBuilder">The builder's type, kept so the chain goes on (before or after <c>.AddSignalR()</c>).</typeparam>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Adds the rules and sets <see cref="TagAuthorizationOptions.DenyByDefault"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddTagAuthorization<TBuilder>(this TBuilder builder, Action<TagAuthorizationOptions> configure)
        where TBuilder : ITagInvalidationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TagAuthorizationOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TagAuthorizationOptions>, TagAuthorizationOptionsValidator>());
        return builder;
    }
}
