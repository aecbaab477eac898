using Microsoft.AspNetCore.Authorization;
using QueryTags.SignalR;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Per-tag authorization: which tags a connection may hold.</summary>
public static class TagAuthorizationBuilderExtensions
{
    /// <summary>
    /// Adds rules for the tags a connection may hold, checked for every tag of every subscribe with the connection's
    /// user; see <see cref="TagAuthorizationOptions"/>. Who may connect at all is the hub endpoint's authorization:
    /// <c>app.MapTagInvalidation().RequireAuthorization(...)</c>. Calling it again adds to the same rules.
    /// </summary>
    /// <param name="builder">The tag invalidation builder.</param>
    /// <param name="configure">Adds the rules and sets <see cref="TagAuthorizationOptions.DenyByDefault"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ITagInvalidationBuilder AddTagAuthorization(this ITagInvalidationBuilder builder, Action<TagAuthorizationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TagAuthorizationOptions>()
            .Configure(configure)
            .Validate<IServiceProvider>(
                (options, services) => options.Rules.All(rule => rule.PolicyName is null) || services.GetService<IAuthorizationService>() is not null,
                "A tag authorization rule names a policy, but authorization is not registered: call services.AddAuthorization(options => options.AddPolicy(...)).")
            .ValidateOnStart();
        return builder;
    }
}
